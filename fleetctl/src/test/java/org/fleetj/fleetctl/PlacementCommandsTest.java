package org.fleetj.fleetctl;

import static org.fleetj.fleetctl.SimFleet.M1;
import static org.fleetj.fleetctl.SimFleet.M2;
import static org.fleetj.fleetctl.SimFleet.M3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Collectors;
import org.fleetj.registry.MachineAvailability;
import org.junit.jupiter.api.Test;

/**
 * cordon, uncordon, drain, the placement fields of list-machines and list-unit-files, and why a unit waits in
 * status and in a blocking start, against fleetd's real API server and engine with simulated machines.
 */
class PlacementCommandsTest {
    static final String PLAIN = "[Service]\nExecStart=/bin/sleep 1000\n";
    static final String NOWHERE = "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineMetadata=role=nosuch\n";

    private static SimFleet cluster() {
        SimFleet f = new SimFleet(SimFleet.Transport.UNIX);
        f.machine(M1, "10.0.0.1", Map.of());
        f.machine(M2, "10.0.0.2", Map.of());
        f.machine(M3, "10.0.0.3", Map.of());
        return f;
    }

    private static Map<String, String> targets(SimFleet f) {
        return f.registry.jobs().stream().filter(j -> j.targetMachine().isPresent())
                .collect(Collectors.toMap(j -> j.name(), j -> j.targetMachine().get()));
    }

    @Test
    void cordonShowsInListMachinesAndKeepsNewUnitsOff() {
        try (SimFleet f = cluster()) {
            f.ctl("cordon", "3d12").is(0, "Machine " + M1 + " cordoned: no new units are placed on it\n", "");
            f.ctl("list-machines", "--fields", "machine,availability").is(0,
                    "MACHINE\t\tAVAILABILITY\n3d1219c7...\tcordoned\n6e1b9fae...\tschedulable\na1b2c3d4...\tschedulable\n", "");
            f.ctl("list-machines").is(0, "MACHINE\t\tIP\t\tMETADATA\n3d1219c7...\t10.0.0.1\t-\n6e1b9fae...\t10.0.0.2\t-\n"
                    + "a1b2c3d4...\t10.0.0.3\t-\n", ""); // fleet's table is unchanged
            for (int i = 1; i <= 4; i++) {
                assertEquals(0, f.ctl("start", "--no-block", f.unitFile("u" + i + ".service", PLAIN).toString()).exit());
            }
            SimFleet.await(() -> targets(f).size() == 4, "4 units placed");
            assertTrue(targets(f).values().stream().noneMatch(M1::equals), targets(f).toString());
            f.ctl("uncordon", M1).is(0, "Machine " + M1 + " uncordoned: units may be placed on it again\n", "");
            assertEquals(MachineAvailability.SCHEDULABLE, f.registry.machines().get(0).availability());
            Cli.Result unknown = f.ctl("cordon", "ffff");
            assertEquals(1, unknown.exit());
            assertTrue(unknown.err().contains("machine ffff does not exist"), unknown.err());
        }
    }

    @Test
    void aUnitThatCannotBePlacedSaysWhyInStartStatusAndListUnitFiles() {
        try (SimFleet f = cluster()) {
            Cli.Result start = f.ctl("start", "--block-attempts=1", f.unitFile("lost.service", NOWHERE).toString());
            assertEquals(1, start.exit(), start.toString());
            String why = "Unit lost.service waits: no machine can run it (3 checked); 3 fail MachineMetadata role=nosuch";
            assertTrue(start.err().contains(why), start.err());
            assertEquals(2, start.err().split(java.util.regex.Pattern.quote(why), -1).length - 1,
                    "said once after a second, and again when giving up: " + start.err());
            f.ctl("list-unit-files", "--fields", "unit,reason").is(0,
                    "UNIT\t\tREASON\nlost.service\tno machine can run it (3 checked); 3 fail MachineMetadata role=nosuch\n", "");
            Cli.Result status = f.ctl("status", "lost.service");
            assertEquals(1, status.exit());
            assertTrue(status.err().contains(why) && status.err().contains("does not appear to be loaded"), status.err());
        }
    }

    @Test
    void drainMovesEveryUnitOffAndReportsProgress() {
        try (SimFleet f = cluster()) {
            f.ctl("cordon", M2).is(0, "Machine " + M2 + " cordoned: no new units are placed on it\n", "");
            f.ctl("cordon", M3).is(0, "Machine " + M3 + " cordoned: no new units are placed on it\n", "");
            for (int i = 1; i <= 5; i++) {
                assertEquals(0, f.ctl("start", "--no-block", f.unitFile("u" + i + ".service", PLAIN).toString()).exit());
            }
            SimFleet.await(() -> targets(f).size() == 5, "5 units placed on the only open machine");
            f.ctl("uncordon", M2).is(0, "Machine " + M2 + " uncordoned: units may be placed on it again\n", "");
            f.ctl("uncordon", M3).is(0, "Machine " + M3 + " uncordoned: units may be placed on it again\n", "");

            Cli.Result drain = f.ctl("drain", M1);
            assertEquals(0, drain.exit(), drain.toString());
            assertTrue(drain.out().startsWith("Machine 3d1219c7.../10.0.0.1 cordoned; draining\n5 units to move off 3d1219c7.../10.0.0.1\n"), drain.out());
            assertTrue(drain.out().endsWith("Machine 3d1219c7.../10.0.0.1 drained\n"), drain.out());
            for (int i = 1; i <= 5; i++) assertTrue(drain.out().contains("Unit u" + i + ".service moved to "), drain.out());
            Map<String, String> after = targets(f);
            assertEquals(5, after.size(), "none lost: " + after);
            assertTrue(after.values().stream().noneMatch(M1::equals), after.toString());
            f.ctl("list-machines", "--fields", "machine,availability", "--no-legend").is(0,
                    "3d1219c7...\tdraining\n6e1b9fae...\tschedulable\na1b2c3d4...\tschedulable\n", "");
        }
    }
}
