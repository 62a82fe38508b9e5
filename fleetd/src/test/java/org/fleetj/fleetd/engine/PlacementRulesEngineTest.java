package org.fleetj.fleetd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachineState;
import org.fleetj.scheduler.Ranking;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.scheduler.SchedulerSettings;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/**
 * The engine carries the registry's capacity and cordon/drain state into the scheduler, publishes why units
 * wait (and removes a reason once the unit is placed, also after a leader change), and drains a few units a pass.
 */
class PlacementRulesEngineTest extends EngineOnElectedRegistry {
    PlacementRulesEngineTest() {
        super(Scheduler.of(new SchedulerSettings(Ranking.SPREAD, 2)));
    }

    private void join(String id, long cpuMillis) {
        registry.join(new MachineState(id, "10.0.0." + id.charAt(0), Map.of(), "test", new Resources(cpuMillis, 0),
                MachineAvailability.SCHEDULABLE), "host-" + id.charAt(0), Duration.ofSeconds(30));
    }

    private static UnitFile unit(String xfleet) throws Exception {
        return UnitFile.parse("[Service]\nExecStart=/bin/sleep 1000\n" + (xfleet.isEmpty() ? "" : "\n[X-Fleet]\n" + xfleet + "\n"));
    }

    @Test
    void aUnitThatFitsNowhereWaitsWithAPublishedReasonAndIsPlacedWhenRoomAppears() throws Exception {
        join(M1, 1000);
        registry.createJob("big.service", unit("RequestCPU=2"), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertEquals(Map.of(), placement());
        String reason = registry.waitReasons().get("big.service");
        assertTrue(reason != null && reason.contains("1 lack 2 CPU (at most 1 CPU free)"), String.valueOf(reason));

        // a new leader (after a failover) removes the reason once it places the unit
        engine.leaderStarted();
        join(M2, 4000);
        engine.reconcile(leadership);
        assertEquals(Map.of("big.service", M2), placement());
        assertEquals(Map.of(), registry.waitReasons());
    }

    @Test
    void cordonKeepsNewUnitsOffAndDrainMovesTwoAPass() throws Exception {
        join(M1, 0);
        for (int i = 1; i <= 5; i++) registry.createJob("u" + i + ".service", unit(""), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertEquals(5, placement().values().stream().filter(M1::equals).count());

        join(M2, 0);
        registry.setMachineAvailability(M2, MachineAvailability.CORDONED);
        registry.createJob("new.service", unit(""), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertEquals(M1, placement().get("new.service"), "the cordoned machine takes nothing, although it is empty");

        registry.setMachineAvailability(M2, MachineAvailability.SCHEDULABLE);
        registry.setMachineAvailability(M1, MachineAvailability.DRAINING);
        engine.reconcile(leadership);
        assertEquals(2, placement().values().stream().filter(M2::equals).count(), "two units move per pass");
        assertTrue(registry.waitReasons().get("u5.service").contains("waiting to leave draining machine 11111111"),
                registry.waitReasons().toString());
        for (int pass = 0; pass < 3; pass++) engine.reconcile(leadership);
        assertEquals(6, placement().values().stream().filter(M2::equals).count(), "every unit moved: " + placement());
        assertEquals(6, placement().size(), "none lost or doubled");
        assertEquals(Map.of(), registry.waitReasons());
    }
}
