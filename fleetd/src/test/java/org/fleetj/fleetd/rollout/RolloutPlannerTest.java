package org.fleetj.fleetd.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.registry.Job;
import org.fleetj.registry.Rollout;
import org.fleetj.registry.RolloutInstance.Step;
import org.fleetj.registry.RolloutSpec;
import org.fleetj.registry.RolloutStatus;
import org.fleetj.registry.RolloutStatus.Phase;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rollout planner's decisions, pass by pass, over hand-made snapshots (the agents' reports played by the test). */
class RolloutPlannerTest {
    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");
    private static final Duration MIN_HEALTHY = Duration.ofSeconds(5);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final RolloutPlanner planner = new RolloutPlanner();
    private UnitFile oldFile;
    private UnitFile newFile;
    private final Map<String, Job> jobs = new HashMap<>();
    private final Map<String, UnitState> states = new HashMap<>();
    private Optional<RolloutStatus> status = Optional.empty();

    @BeforeEach
    void setUp() throws Exception {
        oldFile = UnitFile.parse("[Service]\nExecStart=/bin/sleep 1000\n");
        newFile = UnitFile.parse("[Service]\nExecStart=/bin/sleep 2000\n");
        for (int i = 1; i <= 4; i++) {
            String name = "web@" + i + ".service";
            String machine = "m" + ((i - 1) % 2 + 1);
            jobs.put(name, new Job(name, oldFile, TargetState.LAUNCHED, Optional.of(machine)));
            report(name, oldFile, "active");
        }
        jobs.put("other.service", new Job("other.service", oldFile, TargetState.LAUNCHED, Optional.of("m1")));
    }

    private RolloutSpec spec(int maxUnavailable, boolean autoRevert, RolloutSpec.Control control) {
        return new RolloutSpec("web@.service", "r1", newFile.hash().hex(), maxUnavailable, MIN_HEALTHY, DEADLINE, autoRevert, control, T0);
    }

    private void report(String name, UnitFile f, String active) {
        String machine = jobs.get(name).targetMachine().orElseThrow();
        states.put(RolloutPlanner.stateKey(name, machine), new UnitState(name, machine, f.hash().hex(), "loaded", active,
                active.equals("failed") ? "failed" : "running", TargetState.LAUNCHED));
    }

    /** One pass: plans, then plays the registry (status kept, files put on the jobs). */
    private RolloutPlan pass(RolloutSpec spec, Instant now) {
        Map<String, Job> covered = new HashMap<>();
        jobs.forEach((n, j) -> {
            if (spec.covers(n)) covered.put(n, j);
        });
        RolloutPlan plan = planner.plan(new Rollout(spec, status), covered, states, Map.of(), now);
        status = Optional.of(plan.status());
        for (RolloutPlan.FileChange f : plan.files()) {
            Job j = jobs.get(f.job());
            UnitFile file = f.hash().equals(newFile.hash().hex()) ? newFile : oldFile;
            jobs.put(f.job(), new Job(j.name(), file, j.desiredState(), j.targetMachine()));
        }
        return plan;
    }

    private List<String> replaced(RolloutPlan plan) {
        return plan.files().stream().map(RolloutPlan.FileChange::job).toList();
    }

    private Step step(String name) {
        return status.orElseThrow().instances().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow().step();
    }

    @Test
    void coversOnlyTheTemplatesInstances() {
        RolloutSpec s = spec(1, false, RolloutSpec.Control.RUN);
        assertTrue(s.covers("web@1.service"));
        assertFalse(s.covers("web@.service"));
        assertFalse(s.covers("web.service"));
        assertFalse(s.covers("webby@1.service"));
        assertFalse(s.covers("web@1.socket"));
    }

    @Test
    void replacesOneAtATimeAndWaitsMinHealthyBeforeTheNext() {
        RolloutSpec s = spec(1, false, RolloutSpec.Control.RUN);
        RolloutPlan p = pass(s, T0);
        assertEquals(List.of("web@1.service"), replaced(p), "one instance (max-unavailable 1), first by name");
        assertEquals(Phase.RUNNING, p.status().phase());
        assertEquals(4, p.status().instances().size(), "other.service is not part of it");
        assertEquals(List.of(), replaced(pass(s, T0.plusSeconds(1))), "nothing more while web@1 is not active again");

        report("web@1.service", newFile, "active");
        assertEquals(List.of(), replaced(pass(s, T0.plusSeconds(2))), "active, but not for min-healthy yet");
        assertEquals(Optional.of(T0.plusSeconds(2).plus(MIN_HEALTHY)), planner.nextDeadline(s, status.orElseThrow()));
        assertEquals(List.of(), replaced(pass(s, T0.plusSeconds(6))));
        RolloutPlan next = pass(s, T0.plusSeconds(7));
        assertEquals(Step.DONE, step("web@1.service"));
        assertEquals(List.of("web@2.service"), replaced(next));
        assertEquals("m2", next.status().instances().get(1).machine(), "replaced where it runs");
    }

    @Test
    void aGapInActivityStartsMinHealthyAgain() {
        RolloutSpec s = spec(1, false, RolloutSpec.Control.RUN);
        pass(s, T0);
        report("web@1.service", newFile, "active");
        pass(s, T0.plusSeconds(1));
        report("web@1.service", newFile, "activating");
        pass(s, T0.plusSeconds(3));
        report("web@1.service", newFile, "active");
        pass(s, T0.plusSeconds(4));
        assertEquals(List.of(), replaced(pass(s, T0.plusSeconds(7))), "4 s + 5 s min-healthy not over at 7 s");
        assertEquals(Step.REPLACING, step("web@1.service"));
        pass(s, T0.plusSeconds(9));
        assertEquals(Step.DONE, step("web@1.service"));
    }

    @Test
    void maxUnavailableCountsOldInstancesThatAreDownAndReplacesThoseFirst() {
        report("web@3.service", oldFile, "failed");
        RolloutPlan p = pass(spec(2, false, RolloutSpec.Control.RUN), T0);
        assertEquals(List.of("web@3.service", "web@1.service"), replaced(p), "the down one first; then one more up to 2 down");
        report("web@4.service", oldFile, "inactive");
        status = Optional.empty();
        jobs.replaceAll((n, j) -> new Job(n, oldFile, j.desiredState(), j.targetMachine()));
        p = pass(spec(1, false, RolloutSpec.Control.RUN), T0);
        assertEquals(List.of("web@3.service", "web@4.service"), replaced(p), "replacing instances already down takes nothing more down");
    }

    @Test
    void finishesWhenEveryInstanceStayedActive() {
        RolloutSpec s = spec(4, false, RolloutSpec.Control.RUN);
        assertEquals(4, replaced(pass(s, T0)).size());
        jobs.keySet().stream().filter(s::covers).forEach(n -> report(n, newFile, "active"));
        pass(s, T0.plusSeconds(1));
        RolloutPlan done = pass(s, T0.plusSeconds(6));
        assertEquals(Phase.SUCCEEDED, done.status().phase());
        assertEquals("all 4 instances run the new version", done.status().message());
        assertFalse(pass(s, T0.plusSeconds(60)).changed(), "a finished rollout is left alone");
    }

    @Test
    void aFailedNewInstanceStopsTheRolloutAndNothingWaitingIsTouched() {
        RolloutSpec s = spec(1, false, RolloutSpec.Control.RUN);
        pass(s, T0);
        report("web@1.service", newFile, "failed");
        RolloutPlan p = pass(s, T0.plusSeconds(2));
        assertEquals(Phase.FAILED, p.status().phase());
        assertEquals(List.of(), replaced(p));
        assertTrue(p.status().message().startsWith("web@1.service failed: systemd reports it failed on m1 (failed/failed)"), p.status().message());
        assertEquals(Step.WAITING, step("web@2.service"));
        assertEquals(newFile, jobs.get("web@1.service").unit(), "without auto-revert the failed instance keeps the new file");
    }

    @Test
    void autoRevertPutsThePreviousFileBackOnlyWhereTheRolloutChangedIt() {
        RolloutSpec s = spec(1, true, RolloutSpec.Control.RUN);
        pass(s, T0);
        report("web@1.service", newFile, "active");
        pass(s, T0.plusSeconds(1));
        pass(s, T0.plusSeconds(7));   // web@1 done, web@2 started
        report("web@2.service", newFile, "failed");
        RolloutPlan p = pass(s, T0.plusSeconds(8));
        assertEquals(Phase.REVERTED, p.status().phase());
        assertEquals(List.of("web@1.service", "web@2.service"), replaced(p));
        assertEquals(oldFile, jobs.get("web@1.service").unit());
        assertEquals(oldFile, jobs.get("web@2.service").unit());
        assertEquals(Step.WAITING, step("web@3.service"));
        assertTrue(p.status().message().endsWith("previous unit file put back on 2 instances"), p.status().message());
    }

    @Test
    void notActiveWithinTheDeadlineIsAFailure() {
        RolloutSpec s = spec(1, true, RolloutSpec.Control.RUN);
        pass(s, T0);
        report("web@1.service", newFile, "activating");
        assertEquals(Phase.RUNNING, pass(s, T0.plus(DEADLINE)).status().phase());
        RolloutPlan p = pass(s, T0.plus(DEADLINE).plusSeconds(1));
        assertEquals(Phase.REVERTED, p.status().phase());
        assertTrue(p.status().message().contains("not active within 30 s (now activating/running on m1)"), p.status().message());
    }

    @Test
    void pauseStartsNothingNewAndResumeGoesOn() {
        pass(spec(1, false, RolloutSpec.Control.RUN), T0);
        report("web@1.service", newFile, "active");
        RolloutSpec paused = spec(1, false, RolloutSpec.Control.PAUSE);
        assertEquals(Phase.PAUSED, pass(paused, T0.plusSeconds(1)).status().phase());
        RolloutPlan p = pass(paused, T0.plusSeconds(10));
        assertEquals(Step.DONE, step("web@1.service"), "the one in flight finishes");
        assertEquals(List.of(), replaced(p));
        assertEquals(List.of("web@2.service"), replaced(pass(spec(1, false, RolloutSpec.Control.RUN), T0.plusSeconds(11))));
    }

    @Test
    void abortStopsWhereItIs() {
        pass(spec(1, false, RolloutSpec.Control.RUN), T0);
        RolloutPlan p = pass(spec(1, false, RolloutSpec.Control.ABORT), T0.plusSeconds(1));
        assertEquals(Phase.ABORTED, p.status().phase());
        assertEquals(List.of(), replaced(p));
        assertEquals(newFile, jobs.get("web@1.service").unit());
        assertEquals(oldFile, jobs.get("web@2.service").unit());
    }

    @Test
    void aNewLeaderReissuesAFileThatWasRecordedButNotWritten() {
        RolloutSpec s = spec(1, false, RolloutSpec.Control.RUN);
        Map<String, Job> covered = new HashMap<>();
        jobs.forEach((n, j) -> {
            if (s.covers(n)) covered.put(n, j);
        });
        status = Optional.of(planner.plan(new Rollout(s, Optional.empty()), covered, states, Map.of(), T0).status());   // status written, files lost
        RolloutPlan p = pass(s, T0.plusSeconds(1));
        assertEquals(List.of("web@1.service"), replaced(p), "the same instance again, not a second one");
        assertEquals(Step.REPLACING, step("web@1.service"));
        assertEquals(Step.WAITING, step("web@2.service"));
    }

    @Test
    void instancesCreatedOrDestroyedDuringTheRolloutAreFollowed() {
        RolloutSpec s = spec(1, false, RolloutSpec.Control.RUN);
        pass(s, T0);
        jobs.remove("web@4.service");
        jobs.put("web@5.service", new Job("web@5.service", newFile, TargetState.LAUNCHED, Optional.of("m1")));
        RolloutPlan p = pass(s, T0.plusSeconds(1));
        List<String> names = p.status().instances().stream().map(i -> i.name()).toList();
        assertEquals(List.of("web@1.service", "web@2.service", "web@3.service", "web@5.service"), names);
        assertEquals(Step.DONE, step("web@5.service"), "created with the new file already");
    }
}
