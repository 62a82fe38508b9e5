package org.fleetj.fleetd.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.fleetd.systemd.FakeSystemd;
import org.fleetj.registry.JobResult;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/**
 * One-shot jobs ({@code [X-Fleet] Job=true}) in the real {@link Agent} on a {@link FakeSystemd} and the in-memory
 * registry: the result is recorded once the run ends, and a job that ran is never started again.
 */
class AgentJobTest extends AgentOnFakeSystemd {
    private static final Duration SAFETY = Duration.ofMillis(200);
    private static final UnitFile JOB = unit("[Service]\nType=oneshot\nExecStart=/usr/local/bin/backup\n\n[X-Fleet]\nJob=true\n");
    private static final UnitFile PLAIN = unit("[Service]\nType=oneshot\nExecStart=/usr/local/bin/backup\n");

    AgentJobTest() {
        super(Map.of());
    }

    private final CountingAgentStats countingStats = new CountingAgentStats();

    private Agent startAgent() {
        Agent a = new Agent(registry, systemd, Path.of("/run/fleet/units"), presence, self,
                new Agent.Settings(SAFETY, Optional.empty()), countingStats);
        return started(a);
    }

    private void submit(String name, UnitFile file) {
        registry.createJob(name, file, TargetState.LAUNCHED);
        scheduleHere(name, file, TargetState.LAUNCHED);
    }

    /** Nothing more can happen without an event than what {@code n} further agent passes (safety passes included) do. */
    private void awaitPasses(int n) {
        long target = countingStats.passes() + n;
        await().atMost(WAIT).until(() -> countingStats.passes() >= target);
    }

    private JobResult awaitResult(String name) {
        await().atMost(WAIT).until(() -> registry.jobResult(name).isPresent());
        return registry.jobResult(name).orElseThrow();
    }

    @Test
    void aQuickJobRunsOnceAndItsSuccessIsRecorded() {
        systemd.exitOnStart("backup.service", 0);
        startAgent();
        submit("backup.service", JOB);
        JobResult r = awaitResult("backup.service");
        assertTrue(r.succeeded(), r.toString());
        assertEquals(0, r.exitStatus());
        assertEquals("exited", r.exitCode());
        assertEquals(ME, r.machineId());
        assertEquals(JOB.hash().hex(), r.unitHash());
        assertFalse(r.finishedAt().isBefore(r.startedAt()));
        awaitPasses(3);
        assertEquals(1, systemd.starts("backup.service"), "a finished job is not started again");
        assertEquals(TargetState.LAUNCHED, registry.unitStates().get(0).applied(), "what was asked is done");
    }

    @Test
    void aFailedJobRecordsItsExitStatusAndIsNotRestarted() {
        startAgent();
        submit("backup.service", JOB);
        await().atMost(WAIT).until(() -> systemd.state("backup.service").equals(FakeSystemd.State.RUNNING));
        awaitPasses(2);
        assertTrue(registry.jobResult("backup.service").isEmpty(), "no result while it runs");
        systemd.exit("backup.service", 3);
        JobResult r = awaitResult("backup.service");
        assertFalse(r.succeeded());
        assertEquals(3, r.exitStatus());
        assertEquals("failed (exit status 3)", r.toApi().column());
        awaitPasses(3);
        assertEquals(1, systemd.starts("backup.service"));
        assertEquals(FakeSystemd.State.FAILED, systemd.state("backup.service"));
    }

    @Test
    void aUnitWithoutJobIsStartedAgainAfterAFleetdRestartAsInFleetButAJobIsNot() {
        systemd.exitOnStart("backup.service", 0);
        systemd.exitOnStart("plain.service", 0);
        Agent first = startAgent();
        submit("backup.service", JOB);
        submit("plain.service", PLAIN);
        awaitResult("backup.service");
        await().atMost(WAIT).until(() -> systemd.starts("plain.service") == 1);
        first.close();
        agents.remove(first);

        startAgent();
        await().atMost(WAIT).until(() -> systemd.starts("plain.service") == 2);
        awaitPasses(3);
        assertEquals(1, systemd.starts("backup.service"), "the job ran once");
        assertTrue(registry.jobResults().keySet().equals(java.util.Set.of("backup.service")), "no result for a unit that is not a job");
    }

    @Test
    void aJobThatFailedWhileTheRegistryWasDownIsRecordedAfterAFleetdRestartAndNotRunAgain() {
        Agent first = startAgent();
        submit("backup.service", JOB);
        await().atMost(WAIT).until(() -> systemd.state("backup.service").equals(FakeSystemd.State.RUNNING));
        registry.setUnavailable(true);
        systemd.exit("backup.service", 4); // systemd keeps a failed unit, and its run, until it is reset
        first.close();
        agents.remove(first);
        registry.setUnavailable(false);

        startAgent();
        JobResult r = awaitResult("backup.service");
        assertFalse(r.succeeded());
        assertEquals(4, r.exitStatus());
        awaitPasses(3);
        assertEquals(1, systemd.starts("backup.service"), "systemd's memory of the run keeps it from running twice");
    }

    @Test
    void aMachineThatComesBackWithoutItsUnitsDoesNotRunAFinishedJobAgain() {
        systemd.exitOnStart("backup.service", 0);
        Agent first = startAgent();
        submit("backup.service", JOB);
        awaitResult("backup.service");
        first.close();
        agents.remove(first);
        systemd.close();
        systemd = new FakeSystemd(ME); // rebooted: /run/fleet/units and systemd's memory are gone

        startAgent();
        await().atMost(WAIT).until(() -> systemd.files().containsKey("backup.service"));
        awaitPasses(3);
        assertEquals(0, systemd.starts("backup.service"), "the registry's result keeps it from running again");
        assertEquals(FakeSystemd.State.LOADED, systemd.state("backup.service"));
    }

    @Test
    void aReplacedJobFileRunsOnce() {
        systemd.exitOnStart("backup.service", 0);
        startAgent();
        submit("backup.service", JOB);
        awaitResult("backup.service");
        UnitFile second = unit("[Service]\nType=oneshot\nExecStart=/usr/local/bin/backup --full\n\n[X-Fleet]\nJob=true\n");
        registry.replaceJob("backup.service", second, TargetState.LAUNCHED);
        registry.applySchedule(leadership, List.of(ScheduleChange.assign("backup.service", ME, second.hash().hex(), TargetState.LAUNCHED, "test")));
        await().atMost(WAIT).until(() -> registry.jobResult("backup.service").map(r -> r.unitHash().equals(second.hash().hex())).orElse(false));
        awaitPasses(3);
        assertEquals(2, systemd.starts("backup.service"), "each file ran once");
    }
}
