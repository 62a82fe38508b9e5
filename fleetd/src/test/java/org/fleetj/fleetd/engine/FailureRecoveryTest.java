package org.fleetj.fleetd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.UnitState;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The failure policy's decisions, pass by pass, against the in-memory registry, playing the agents' part by
 * publishing unit states (the real agents on real systemd are in e2e FailurePolicyIT).
 */
class FailureRecoveryTest extends EngineOnElectedRegistry {
    private final Map<String, MachinePresence> presences = new java.util.HashMap<>();

    FailureRecoveryTest() {
        super(Scheduler.leastLoaded());
    }

    @BeforeEach
    void setUp() {
        for (String m : List.of(M1, M2)) {
            presences.put(m, join(m, Map.of()));
        }
    }

    private static UnitFile unit(String xfleet) throws Exception {
        return UnitFile.parse("[Service]\nExecStart=/bin/false\n" + (xfleet.isEmpty() ? "" : "\n[X-Fleet]\n" + xfleet + "\n"));
    }

    private String where(String unit) {
        return registry.job(unit).orElseThrow().targetMachine().orElseThrow();
    }

    private Optional<ScheduledUnit> entry(String machine, String unit) {
        return registry.scheduleOf(machine).stream().filter(s -> s.name().equals(unit)).findFirst();
    }

    /** What the agent of {@code machine} would publish. */
    private void report(String machine, String unit, UnitFile f, String active, TargetState applied) {
        registry.publishUnitState(presences.get(machine), new UnitState(unit, machine, f.hash().hex(), "loaded", active,
                active.equals("failed") ? "failed" : "running", applied));
    }

    /** One in-place restart as the agent lives it: failed, stopped (loaded), started again. */
    private void failAndGetRestarted(String machine, String unit, UnitFile f) {
        report(machine, unit, f, "failed", TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertEquals(TargetState.LOADED, entry(machine, unit).orElseThrow().desiredState(), "the failed unit is stopped first");
        engine.reconcile(leadership);
        assertEquals(TargetState.LOADED, entry(machine, unit).orElseThrow().desiredState(),
                "no re-launch before the agent reports it stopped the unit");
        report(machine, unit, f, "failed", TargetState.LOADED);
        engine.reconcile(leadership);
        assertEquals(TargetState.LAUNCHED, entry(machine, unit).orElseThrow().desiredState(), "then launched again, in place");
        report(machine, unit, f, "active", TargetState.LAUNCHED);
        engine.reconcile(leadership);
    }

    @Test
    void restartsInPlaceThenMovesAndNeverBack() throws Exception {
        UnitFile f = unit("RestartOnFailure=2\nRescheduleOnFailure=true");
        registry.createJob("crash.service", f, TargetState.LAUNCHED);
        engine.reconcile(leadership);
        String first = where("crash.service");

        failAndGetRestarted(first, "crash.service", f);
        failAndGetRestarted(first, "crash.service", f);
        UnitFailures afterTwo = registry.unitFailures().get("crash.service");
        assertEquals(2, afterTwo.failures());
        assertEquals(2, afterTwo.restarts().size());
        assertEquals(first, afterTwo.lastFailureMachine());
        assertEquals("failed/failed", afterTwo.lastFailure());

        report(first, "crash.service", f, "failed", TargetState.LAUNCHED);
        engine.reconcile(leadership);
        String second = where("crash.service");
        assertNotEquals(first, second, "restarts used up: moved");
        assertEquals(Optional.empty(), entry(first, "crash.service"));
        assertEquals(TargetState.LAUNCHED, entry(second, "crash.service").orElseThrow().desiredState());
        UnitFailures moved = registry.unitFailures().get("crash.service");
        assertEquals(3, moved.failures());
        assertEquals(List.of(first), moved.gaveUpOn());

        // it fails on the second machine too: two restarts there, then nowhere left to go
        registry.removeUnitState(presences.get(first), "crash.service");
        failAndGetRestarted(second, "crash.service", f);
        failAndGetRestarted(second, "crash.service", f);
        report(second, "crash.service", f, "failed", TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertEquals(second, where("crash.service"), "never moved back to the machine it gave up on");
        assertEquals(6, registry.unitFailures().get("crash.service").failures());
        assertEquals(List.of(), engine.reconcile(leadership), "a failure left as it is is counted once");
        assertEquals(6, registry.unitFailures().get("crash.service").failures());
    }

    @Test
    void aNewEngineGoesOnCountingWhereTheOldOneStopped() throws Exception {
        UnitFile f = unit("RestartOnFailure=1\nRescheduleOnFailure=true");
        registry.createJob("crash.service", f, TargetState.LAUNCHED);
        engine.reconcile(leadership);
        String first = where("crash.service");
        failAndGetRestarted(first, "crash.service", f);

        // failover: a fresh engine (no memory of its own) reads the record the old one wrote
        engine = new EngineReconciler(registry, Scheduler.leastLoaded(), EngineStats.NONE);
        report(first, "crash.service", f, "failed", TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertNotEquals(first, where("crash.service"), "the restart used before the failover counts: moved");
        assertEquals(2, registry.unitFailures().get("crash.service").failures());
    }

    @Test
    void withoutReschedulingAFailedUnitStaysWhereItIs() throws Exception {
        UnitFile f = unit("RestartOnFailure=1");
        registry.createJob("once.service", f, TargetState.LAUNCHED);
        engine.reconcile(leadership);
        String m = where("once.service");
        failAndGetRestarted(m, "once.service", f);
        report(m, "once.service", f, "failed", TargetState.LAUNCHED);
        assertEquals(List.of(), engine.reconcile(leadership));
        assertEquals(m, where("once.service"));
        assertEquals(2, registry.unitFailures().get("once.service").failures());
    }

    @Test
    void unitsWithoutAPolicyAreLeftFailedAsInFleet() throws Exception {
        UnitFile f = unit("");
        registry.createJob("plain.service", f, TargetState.LAUNCHED);
        engine.reconcile(leadership);
        String m = where("plain.service");
        report(m, "plain.service", f, "failed", TargetState.LAUNCHED);
        assertEquals(List.of(), engine.reconcile(leadership));
        assertEquals(TargetState.LAUNCHED, entry(m, "plain.service").orElseThrow().desiredState());
        assertEquals(Map.of(), registry.unitFailures());
    }

    @Test
    void theRecordOfADestroyedUnitGoes() throws Exception {
        UnitFile f = unit("RestartOnFailure=1");
        registry.createJob("gone.service", f, TargetState.LAUNCHED);
        engine.reconcile(leadership);
        report(where("gone.service"), "gone.service", f, "failed", TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertTrue(registry.unitFailures().containsKey("gone.service"));
        registry.destroyJob("gone.service");
        engine.reconcile(leadership);
        assertEquals(Map.of(), registry.unitFailures());
    }
}
