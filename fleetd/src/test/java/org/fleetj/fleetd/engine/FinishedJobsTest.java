package org.fleetj.fleetd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.registry.JobResult;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One-shot jobs in the engine, pass by pass, against the in-memory registry (the agents' part, recording results, is
 * played by the test; the real agents on real systemd are in e2e JobsIT).
 */
class FinishedJobsTest extends EngineOnElectedRegistry {
    FinishedJobsTest() {
        super(Scheduler.leastLoaded());
    }

    @BeforeEach
    void setUp() {
        for (String m : List.of(M1, M2)) {
            join(m, Map.of());
        }
    }

    private static UnitFile unit(String xfleet) throws Exception {
        return UnitFile.parse("[Service]\nType=oneshot\nExecStart=/bin/true\n\n[X-Fleet]\n" + xfleet + "\n");
    }

    private Optional<String> where(String unit) {
        return registry.job(unit).orElseThrow().targetMachine();
    }

    private void finished(String unit, UnitFile f, String machine) {
        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        registry.putJobResult(new JobResult(unit, f.hash().hex(), machine, true, 0, "exited", "success", at.minusSeconds(2), at));
    }

    private String placed(String unit, UnitFile f) {
        registry.createJob(unit, f, TargetState.LAUNCHED);
        engine.reconcile(leadership);
        return where(unit).orElseThrow();
    }

    @Test
    void aFinishedJobStaysOnItsLiveMachineAndIsNotMovedWhenItLeaves() throws Exception {
        UnitFile f = unit("Job=true");
        String first = placed("backup.service", f);
        finished("backup.service", f, first);
        assertEquals(List.of(), engine.reconcile(leadership), "a finished job stays where it ran while that machine lives");
        assertEquals(Optional.of(first), where("backup.service"));

        registry.expireMachine(first);
        List<ScheduleChange> changes = engine.reconcile(leadership);
        assertEquals(1, changes.size(), changes.toString());
        assertEquals(ScheduleChange.Kind.UNASSIGN, changes.get(0).kind());
        assertTrue(changes.get(0).reason().startsWith("job finished (succeeded (exit status 0), ran on " + first.substring(0, 8) + "... from "), changes.get(0).reason());
        assertEquals(Optional.empty(), where("backup.service"));
        assertEquals(List.of(), engine.reconcile(leadership), "and it is never placed again");
        assertTrue(registry.waitReasons().isEmpty(), "a finished job does not wait for a machine");
    }

    @Test
    void aJobWithoutAResultIsPlacedElsewhereWhenItsMachineIsLost() throws Exception {
        UnitFile f = unit("Job=true");
        String first = placed("backup.service", f);
        registry.expireMachine(first);
        engine.reconcile(leadership);
        String second = where("backup.service").orElseThrow();
        assertNotEquals(first, second, "a job whose machine died while it ran runs again elsewhere");
    }

    @Test
    void aResultOfAnEarlierFileDoesNotCount() throws Exception {
        UnitFile f = unit("Job=true");
        String first = placed("backup.service", f);
        finished("backup.service", f, first);
        UnitFile newer = UnitFile.parse("[Service]\nType=oneshot\nExecStart=/bin/true --again\n\n[X-Fleet]\nJob=true\n");
        registry.replaceJob("backup.service", newer, TargetState.LAUNCHED);
        engine.reconcile(leadership);
        registry.expireMachine(first);
        engine.reconcile(leadership);
        assertNotEquals(Optional.of(first), where("backup.service"));
        assertTrue(where("backup.service").isPresent(), "the new file has not run: it is placed again");
    }

    @Test
    void aUnitThatIsNotAJobIsPlacedAgainEvenWithAStrayResult() throws Exception {
        UnitFile f = unit("Job=false");
        String first = placed("plain.service", f);
        finished("plain.service", f, first);
        registry.expireMachine(first);
        engine.reconcile(leadership);
        assertTrue(where("plain.service").filter(m -> !m.equals(first)).isPresent(), "fleet's behaviour: it moves");
    }
}
