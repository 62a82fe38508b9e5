package org.fleetj.scheduler;

import static org.fleetj.scheduler.Fixtures.launched;
import static org.fleetj.scheduler.Fixtures.machine;
import static org.fleetj.scheduler.Fixtures.with;
import static org.fleetj.scheduler.Fixtures.x;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.fleetj.scheduler.Machine.Availability;
import org.junit.jupiter.api.Test;

/**
 * Global units under cordon and drain: they stay on cordoned and draining machines (fleetctl drain moves only
 * what the engine placed), and stop only on a machine drained with {@code --include-global}; where they still run,
 * their requests stay reserved.
 */
class DrainedGlobalUnitsTest {
    private static final String A = "aaaaaaaa";

    private static final List<UnitSpec> GLOBALS = List.of(launched("g1.service", x().global()),
            launched("g2.service", x().global().request(500, 0)));

    @Test
    void globalUnitsStayOnCordonedAndDrainingMachines() {
        for (Availability a : List.of(Availability.CORDONED, Availability.DRAINING)) {
            GlobalPlacement.Decision d = GlobalPlacement.decide(with(machine(A), a), GLOBALS, List.of());
            assertEquals(List.of("g1.service", "g2.service"), d.run().stream().map(UnitSpec::name).toList(), a.name());
        }
    }

    @Test
    void aMachineDrainedWithItsGlobalUnitsRunsNoneAndSaysWhy() {
        GlobalPlacement.Decision d = GlobalPlacement.decide(with(machine(A), Availability.DRAINING_WITH_GLOBAL_UNITS), GLOBALS, List.of());
        assertEquals(List.of(), d.run());
        assertEquals(List.of(new Unplaced("g1.service", "machine aaaaaaaa is draining, global units included"),
                new Unplaced("g2.service", "machine aaaaaaaa is draining, global units included")), d.skipped());
    }

    @Test
    void theirRequestsStayReservedOnMachinesTheyStillRunOn() {
        Machine drainedAll = with(Fixtures.sized(A, 1000, 0), Availability.DRAINING_WITH_GLOBAL_UNITS);
        Machine b = Fixtures.sized("bbbbbbbb", 1000, 0);
        List<UnitSpec> units = new java.util.ArrayList<>(GLOBALS);
        units.add(launched("u.service", x().request(800, 0)));
        Plan plan = Scheduler.leastLoaded().plan(ClusterSnapshot.of(List.of(drainedAll, b), units));
        assertEquals(List.of(new Unplaced("u.service",
                "no machine can run it (2 checked); 1 cordoned or draining; 1 lack 800m CPU (at most 500m CPU free)")), plan.unplaced());
    }
}
