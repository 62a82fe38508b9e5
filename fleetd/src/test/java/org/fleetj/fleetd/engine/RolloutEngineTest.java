package org.fleetj.fleetd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.registry.Job;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.Rollout;
import org.fleetj.registry.RolloutInProgressException;
import org.fleetj.registry.RolloutInstance.Step;
import org.fleetj.registry.RolloutRequests;
import org.fleetj.registry.RolloutStatus.Phase;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitState;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Rollouts driven by the engine pass after pass against the in-memory registry, the test playing the agents (it
 * publishes what each machine's systemd would report for what its schedule says). Min-healthy is zero here, so no
 * clock is involved; the planner's timing rules are in RolloutPlannerTest, real machines in e2e RolloutIT.
 */
class RolloutEngineTest extends EngineOnElectedRegistry {
    private static final List<String> MACHINES = List.of(M1, M2);

    private final Map<String, MachinePresence> presences = new HashMap<>();
    private UnitFile v1;
    private UnitFile v2;
    private UnitFile broken;

    RolloutEngineTest() {
        super(Scheduler.leastLoaded());
    }

    @BeforeEach
    void setUp() throws Exception {
        for (String m : MACHINES) {
            presences.put(m, join(m, Map.of()));
        }
        v1 = UnitFile.parse("[Service]\nExecStart=/bin/sleep 1001\n");
        v2 = UnitFile.parse("[Service]\nExecStart=/bin/sleep 1002\n");
        broken = UnitFile.parse("[Service]\nExecStart=/bin/false\n");
    }

    private EngineReconciler engine() {
        return new EngineReconciler(registry, Scheduler.leastLoaded(), EngineStats.NONE);
    }

    /** Every machine's agent runs what its schedule says; {@code broken}'s file fails. Returns how many run v1 / v2. */
    private void agentsApply() {
        for (String m : MACHINES) {
            for (ScheduledUnit s : registry.scheduleOf(m)) publish(m, s.name(), s.unitHash());
            for (Job g : registry.globalJobs()) {
                boolean pinned = registry.scheduleOf(m).stream().anyMatch(s -> s.name().equals(g.name()));
                if (!pinned) publish(m, g.name(), g.unitHash());
            }
        }
    }

    private void publish(String machine, String unit, String hash) {
        String active = hash.equals(broken.hash().hex()) ? "failed" : "active";
        registry.publishUnitState(presences.get(machine), new UnitState(unit, machine, hash, "loaded", active,
                active.equals("failed") ? "failed" : "running", TargetState.LAUNCHED));
    }

    private Rollout rollout(String unit) {
        return registry.rollouts().get(unit);
    }

    private long onHash(String prefix, UnitFile f) {
        return registry.jobs().stream().filter(j -> j.name().startsWith(prefix)).filter(j -> j.unitHash().equals(f.hash().hex())).count();
    }

    private void startInstances() {
        for (int i = 1; i <= 4; i++) registry.createJob("web@" + i + ".service", v1, TargetState.LAUNCHED);
        EngineReconciler e = engine();
        e.reconcile(leadership);
        agentsApply();
    }

    @Test
    void aTemplateRollsOneInstanceAtATimeOnItsOwnMachine() {
        startInstances();
        Map<String, String> placed = new HashMap<>();
        registry.jobs().forEach(j -> placed.put(j.name(), j.targetMachine().orElseThrow()));
        RolloutRequests.start(registry, "web@.service", v2, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC());
        EngineReconciler e = engine();
        int passes = 0;
        while (!rollout("web@.service").isFinished() && passes++ < 30) {
            e.reconcile(leadership);
            long changed = onHash("web@", v2) - rollout("web@.service").status().orElseThrow().count(Step.DONE);
            assertTrue(changed <= 1, "at most max-unavailable instances replaced and not yet done, pass " + passes + ": " + changed);
            agentsApply();
        }
        assertEquals(Phase.SUCCEEDED, rollout("web@.service").status().orElseThrow().phase());
        assertEquals(4, onHash("web@", v2));
        registry.jobs().forEach(j -> assertEquals(placed.get(j.name()), j.targetMachine().orElseThrow(), j.name() + " stayed where it was"));
        registry.schedule().values().forEach(entries -> entries.forEach(s -> assertEquals(v2.hash().hex(), s.unitHash())));
        Executable again = () -> RolloutRequests.start(registry, "web@.service", v1, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC());
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(again, "a finished rollout does not block the next one");
        assertEquals(Optional.empty(), rollout("web@.service").status(), "the new rollout starts afresh");
    }

    @Test
    void aNewLeaderGoesOnWhereTheOldOneStopped() {
        startInstances();
        RolloutRequests.start(registry, "web@.service", v2, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC());
        EngineReconciler first = engine();
        for (int i = 0; i < 10 && rollout("web@.service").status().map(s -> s.count(Step.DONE)).orElse(0L) < 1; i++) {
            first.reconcile(leadership);
            agentsApply();
        }
        long doneBefore = rollout("web@.service").status().orElseThrow().count(Step.DONE);
        assertTrue(doneBefore >= 1, "the first leader finished at least one instance");

        LeaderLatch second = registry.leaderLatch("ffffffffffffffffffffffffffffffff", Duration.ofSeconds(10));
        second.start();
        resignLeadership();   // the first leader's machine dies
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> second.leadership().isPresent());
        org.junit.jupiter.api.Assertions.assertThrows(org.fleetj.registry.LeadershipLostException.class,
                () -> first.reconcile(leadership), "the deposed leader writes nothing");
        try {
            EngineReconciler next = engine();
            for (int i = 0; i < 30 && !rollout("web@.service").isFinished(); i++) {
                next.reconcile(second.leadership().orElseThrow());
                agentsApply();
            }
            assertEquals(Phase.SUCCEEDED, rollout("web@.service").status().orElseThrow().phase());
            assertEquals(4, onHash("web@", v2));
        } finally {
            second.close();
        }
    }

    @Test
    void aFailingNewVersionStopsAtTheFirstFailureAndAutoRevertPutsTheOldOneBack() {
        startInstances();
        RolloutRequests.start(registry, "web@.service", broken, 1, Duration.ZERO, Duration.ofMinutes(5), true, Clock.systemUTC());
        EngineReconciler e = engine();
        for (int i = 0; i < 10 && !rollout("web@.service").isFinished(); i++) {
            e.reconcile(leadership);
            agentsApply();
        }
        var status = rollout("web@.service").status().orElseThrow();
        assertEquals(Phase.REVERTED, status.phase(), status.message());
        assertEquals(1, status.count(Step.REVERTED), "only the first instance was tried");
        assertEquals(3, status.count(Step.WAITING));
        assertEquals(0, onHash("web@", broken));
        assertEquals(4, onHash("web@", v1));
        e.reconcile(leadership);
        registry.schedule().values().forEach(entries -> entries.forEach(s -> assertEquals(v1.hash().hex(), s.unitHash(), s.name())));
    }

    @Test
    void pauseResumeAndAbort() {
        startInstances();
        RolloutRequests.start(registry, "web@.service", v2, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC());
        EngineReconciler e = engine();
        e.reconcile(leadership);
        assertTrue(RolloutRequests.steer(registry, "web@.service", RolloutRequests.control("pause")));
        agentsApply();
        for (int i = 0; i < 3; i++) {
            e.reconcile(leadership);
            agentsApply();
        }
        assertEquals(Phase.PAUSED, rollout("web@.service").status().orElseThrow().phase());
        assertEquals(1, onHash("web@", v2), "paused: only the one in flight");
        org.junit.jupiter.api.Assertions.assertThrows(RolloutInProgressException.class,
                () -> RolloutRequests.start(registry, "web@.service", v1, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC()));
        RolloutRequests.steer(registry, "web@.service", RolloutRequests.control("resume"));
        e.reconcile(leadership);
        assertEquals(Phase.RUNNING, rollout("web@.service").status().orElseThrow().phase());
        assertEquals(2, onHash("web@", v2));
        RolloutRequests.steer(registry, "web@.service", RolloutRequests.control("abort"));
        e.reconcile(leadership);
        assertEquals(Phase.ABORTED, rollout("web@.service").status().orElseThrow().phase());
        e.reconcile(leadership);
        assertEquals(2, onHash("web@", v2), "abort leaves every instance as it is");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RolloutRequests.steer(registry, "web@.service", RolloutRequests.control("resume")), "a finished rollout cannot be steered");
    }

    @Test
    void aGlobalUnitRollsMachineByMachineThenTheJobTakesTheNewFile() throws Exception {
        UnitFile g1 = UnitFile.parse("[Service]\nExecStart=/bin/sleep 2001\n\n[X-Fleet]\nGlobal=true\n");
        UnitFile g2 = UnitFile.parse("[Service]\nExecStart=/bin/sleep 2002\n\n[X-Fleet]\nGlobal=true\n");
        registry.createJob("agent.service", g1, TargetState.LAUNCHED);
        EngineReconciler e = engine();
        e.reconcile(leadership);
        agentsApply();
        RolloutRequests.start(registry, "agent.service", g2, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC());
        for (int i = 0; i < 20 && !rollout("agent.service").isFinished(); i++) {
            e.reconcile(leadership);
            long onNew = registry.unitStates().stream().filter(s -> s.name().equals("agent.service") && s.unitHash().equals(g2.hash().hex())).count();
            long done = rollout("agent.service").status().orElseThrow().count(Step.DONE);
            agentsApply();
            long onNewAfter = registry.unitStates().stream().filter(s -> s.name().equals("agent.service") && s.unitHash().equals(g2.hash().hex())).count();
            assertTrue(onNewAfter - Math.max(done, onNew) <= 1, "one machine at a time");
        }
        var status = rollout("agent.service").status().orElseThrow();
        assertEquals(Phase.SUCCEEDED, status.phase(), status.message());
        assertEquals(2, status.instances().size());
        assertEquals(g2.hash().hex(), registry.job("agent.service").orElseThrow().unitHash());
        registry.schedule().values().forEach(entries -> assertTrue(entries.stream().noneMatch(s -> s.name().equals("agent.service")), "pins removed"));
        assertThrowsIllegal(() -> RolloutRequests.start(registry, "web@1.service", v2, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC()));
        registry.createJob("plain.service", v1, TargetState.LAUNCHED);
        assertThrowsIllegal(() -> RolloutRequests.start(registry, "plain.service", v2, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC()));
        assertThrowsIllegal(() -> RolloutRequests.start(registry, "agent.service", v2, 1, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC()));
        assertThrowsIllegal(() -> RolloutRequests.start(registry, "web@.service", v2, 0, Duration.ZERO, Duration.ofMinutes(5), false, Clock.systemUTC()));
    }

    private static void assertThrowsIllegal(Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
    }
}
