package org.fleetj.fleetctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The API pages every list by token_limit (100 by default); fleetctl must follow nextPageToken to the
 * end, in its tables and while waiting for many units.
 */
class PaginationTest {

    private static String machineId(int i) {
        return String.format("%08x", 0x10000000 + i) + "0123456789abcdef01234567";
    }

    private static String unitName(int i) {
        return String.format("u%03d.service", i);
    }

    @Test
    void tablesAndWaitsFollowEveryPage() {
        int machines = 120;
        int units = 250;
        int started = 150;
        try (SimFleet f = new SimFleet(SimFleet.Transport.UNIX)) {
            for (int i = 0; i < machines; i++) f.cluster.addMachine(machineId(i), "10.1.0." + i, Map.of());
            SimFleet.await(() -> f.registry.machines().size() == machines, machines + " machines joined");

            Cli.Result lm = f.ctl("list-machines", "--no-legend", "--full", "--fields", "machine");
            StringBuilder expectedMachines = new StringBuilder();
            for (int i = 0; i < machines; i++) expectedMachines.append(machineId(i)).append('\n');
            lm.is(0, expectedMachines.toString(), "");

            List<String> args = new ArrayList<>(List.of("submit"));
            StringBuilder inactive = new StringBuilder();
            for (int i = 0; i < units; i++) {
                args.add(f.unitFile(unitName(i), "[Service]\nExecStart=/bin/sleep " + i + "\n").toString());
                inactive.append("Unit ").append(unitName(i)).append(" inactive\n");
            }
            // more than a page of units to wait for: the waiter lists them all
            f.ctl(args.toArray(new String[0])).isInAnyOrder(0, inactive.toString(), "");

            List<String> start = new ArrayList<>(List.of("start"));
            for (int i = 0; i < started; i++) start.add(unitName(i));
            Cli.Result startResult = f.ctl(start.toArray(new String[0]));
            assertEquals(0, startResult.exit(), startResult.toString());
            assertEquals(started, startResult.out().lines().filter(l -> l.matches("Unit u\\d{3}\\.service launched on [0-9a-f]{8}\\.\\.\\./10\\.1\\.0\\.\\d+")).count(),
                    startResult.out());

            Cli.Result luf = f.ctl("list-unit-files", "--no-legend", "--fields", "unit,dstate");
            StringBuilder expectedUnits = new StringBuilder();
            for (int i = 0; i < units; i++) expectedUnits.append(unitName(i)).append(i < started ? "\tlaunched\n" : "\tinactive\n");
            luf.is(0, expectedUnits.toString(), "");

            Cli.Result lu = f.ctl("list-units", "--no-legend", "--fields", "unit,active");
            StringBuilder expectedStates = new StringBuilder();
            for (int i = 0; i < started; i++) expectedStates.append(unitName(i)).append("\tactive\n");
            lu.is(0, expectedStates.toString(), "");

            // every machine got some: least-loaded spreads 150 units over 120 machines
            Cli.Result where = f.ctl("list-units", "--no-legend", "--fields", "machine", "--full");
            assertEquals(machines, new TreeSet<>(where.out().lines().toList()).size(), where.out());

            assertEquals(units, f.ctl("list-unit-files", "-o", "json").out().split("\"name\":\"u").length - 1);
            assertEquals(machines, f.ctl("list-machines", "-o", "json").out().split("\"id\":").length - 1);
        }
    }

    @Test
    void pagesOfOneItemStillGiveEverything() {
        try (SimFleet f = new SimFleet(SimFleet.Transport.TCP, 1)) {
            f.machine(SimFleet.M1, "10.0.0.1", Map.of());
            f.machine(SimFleet.M2, "10.0.0.2", Map.of());
            String g = f.unitFile("g.service", "[Service]\nExecStart=/bin/sleep 1\n\n[X-Fleet]\nGlobal=true\n").toString();
            f.ctl("start", g).is(0, "Unit g.service inactive\nTriggered global unit g.service start\n", "");
            String a = f.unitFile("a.service", "[Service]\nExecStart=/bin/sleep 1\n\n[X-Fleet]\nMachineID=" + SimFleet.M2 + "\n").toString();
            f.ctl("start", a).is(0, "Unit a.service inactive\nUnit a.service launched on 6e1b9fae.../10.0.0.2\n", "");
            SimFleet.await(() -> f.registry.unitStates().size() == 3, "three unit states");
            f.ctl("list-machines", "--no-legend").is(0, "3d1219c7...\t10.0.0.1\t-\n6e1b9fae...\t10.0.0.2\t-\n", "");
            f.ctl("list-unit-files", "--no-legend", "--fields", "unit,target").is(0, "a.service\t6e1b9fae.../10.0.0.2\ng.service\tglobal\n", "");
            f.ctl("list-units", "--no-legend").is(0, "a.service\t6e1b9fae.../10.0.0.2\tactive\trunning\n"
                    + "g.service\t3d1219c7.../10.0.0.1\tactive\trunning\n"
                    + "g.service\t6e1b9fae.../10.0.0.2\tactive\trunning\n", "");
            assertTrue(f.ctl("list-units", "-o", "json").out().startsWith("[{\"hash\":"));
        }
    }
}
