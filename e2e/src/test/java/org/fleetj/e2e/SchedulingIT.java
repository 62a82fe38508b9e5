package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Placement on a real 3-machine cluster, driven through fleetctl and checked in each machine's systemd:
 * registration, the unit lifecycle, and every [X-Fleet] rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulingIT {
    private static final String LOOP = "ExecStart=/bin/sh -c \"trap 'exit 0' INT TERM; while true; do echo Hello World; sleep 1; done\"\n";
    private FleetCluster c;

    static String unit(String description, String xfleet) {
        return "[Unit]\nDescription=" + description + "\n\n[Service]\n" + LOOP + (xfleet.isEmpty() ? "" : "\n[X-Fleet]\n" + xfleet);
    }

    @BeforeAll
    void boot() {
        long t = System.nanoTime();
        c = FleetCluster.up(3, LocalClusterOptions.defaults()
                .metadata("m1", "role=web,region=east")
                .metadata("m2", "role=web,region=west")
                .metadata("m3", "role=db,region=east"));
        FleetCluster.figure("boot_3_machines_with_fleetd", t);
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    @Test
    void machinesRegisterWithTheirMetadataAndIp() {
        List<String> rows = c.fleetctl("list-machines", "--full", "--no-legend").ok().lines();
        assertEquals(3, rows.size(), rows.toString());
        for (Machine m : c.machines()) {
            String expected = switch (m.name()) {
                case "m1" -> "region=east,role=web";
                case "m2" -> "region=west,role=web";
                default -> "region=east,role=db";
            };
            assertTrue(rows.contains(m.machineId() + "\t" + m.ip() + "\t" + expected), m + " in " + rows);
        }
    }

    @Test
    void aUnitRunsOnOneMachineAndStopsUnloadsAndIsDestroyed() {
        long t = System.nanoTime();
        String path = c.unitFile("hello.service", unit("Hello", ""));
        FleetCluster.Run start = c.fleetctl("start", "--block-attempts=20", path).ok();
        List<String> on = c.runningOn("hello.service");
        assertEquals(1, on.size(), "hello.service active on exactly one machine: " + on);
        Machine m = c.machine(on.get(0));
        // fleet v1.0 reports the creation of a new unit first, then where it launched
        assertEquals(List.of("Unit hello.service inactive", "Unit hello.service launched on " + m.machineId().substring(0, 8) + ".../" + m.ip()),
                start.lines());
        FleetCluster.figure("start_to_active", t);

        c.fleetctl("stop", "--block-attempts=20", "hello.service").ok();
        assertEquals("inactive", c.activeState(m.name(), "hello.service"));
        assertTrue(c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit,dstate,state").ok().lines()
                .contains("hello.service\tloaded\tloaded"));

        c.fleetctl("unload", "--block-attempts=20", "hello.service").ok();
        c.await("hello.service unloaded from " + m.name(), () ->
                c.local().sh(m.name(), "systemctl", "show", "-p", "LoadState", "--value", "hello.service").trimmed().equals("not-found"));
        c.fleetctl("destroy", "hello.service").ok();
        assertTrue(c.fleetctl("list-unit-files", "--no-legend").ok().lines().stream().noneMatch(l -> l.startsWith("hello.service")));
        FleetCluster.figure("lifecycle_start_stop_unload_destroy", t);
    }

    @Test
    void conflictingInstancesNeverShareAMachineAndTheFourthWaits() {
        long t = System.nanoTime();
        String template = c.unitFile("conflict@.service", unit("Conflicting %i", "Conflicts=conflict@*.service\n"));
        String dir = template.substring(0, template.lastIndexOf('/'));
        c.fleetctl("start", "--no-block", dir + "/conflict@1.service", dir + "/conflict@2.service", dir + "/conflict@3.service",
                dir + "/conflict@4.service").ok();
        c.await("three conflict instances running", () -> runningInstances("conflict", 4).size() == 3);
        Set<String> machines = new HashSet<>();
        for (String u : runningInstances("conflict", 4)) machines.addAll(c.runningOn(u));
        assertEquals(3, machines.size(), "one instance per machine");
        List<String> files = c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit,target").ok().lines();
        assertEquals(1, files.stream().filter(l -> l.startsWith("conflict@") && l.endsWith("\t-")).count(), files.toString());
        c.fleetctl("destroy", "conflict@1.service", "conflict@2.service", "conflict@3.service", "conflict@4.service").ok();
        c.await("conflict instances gone", () -> runningInstances("conflict", 4).isEmpty());
        FleetCluster.figure("conflicts_4_on_3", t);
    }

    private List<String> runningInstances(String prefix, int n) {
        List<String> running = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String u = prefix + "@" + i + ".service";
            if (!c.runningOn(u).isEmpty()) running.add(u);
        }
        return running;
    }

    @Test
    void aSidekickFollowsItsUnitWithMachineOf() {
        long t = System.nanoTime();
        String main = c.unitFile("app@.service", unit("App %i", ""));
        String side = c.unitFile("app-sidekick@.service", unit("Sidekick %i", "MachineOf=app@%i.service\n"));
        String dir = main.substring(0, main.lastIndexOf('/'));
        c.fleetctl("start", "--block-attempts=20", dir + "/app@7.service").ok();
        c.fleetctl("start", "--block-attempts=20", dir + "/app-sidekick@7.service").ok();
        assertEquals(c.runningOn("app@7.service"), c.runningOn("app-sidekick@7.service"));
        assertEquals(1, c.runningOn("app@7.service").size());
        c.fleetctl("destroy", "app@7.service", "app-sidekick@7.service").ok();
        FleetCluster.figure("machineof", t);
    }

    @Test
    void metadataRequirementsPickTheMatchingMachines() {
        long t = System.nanoTime();
        c.fleetctl("start", "--block-attempts=20", c.unitFile("db.service", unit("DB", "MachineMetadata=role=db\n"))).ok();
        assertEquals(List.of("m3"), c.runningOn("db.service"));
        c.fleetctl("start", "--block-attempts=20", c.unitFile("westweb.service",
                unit("West web", "MachineMetadata=role=web\nMachineMetadata=region=west\n"))).ok();
        assertEquals(List.of("m2"), c.runningOn("westweb.service"));
        // beyond fleet: negation
        c.fleetctl("start", "--block-attempts=20", c.unitFile("notweb.service", unit("Not web", "MachineMetadata=role!=web\n"))).ok();
        assertEquals(List.of("m3"), c.runningOn("notweb.service"));
        c.fleetctl("destroy", "db.service", "westweb.service", "notweb.service").ok();
        FleetCluster.figure("metadata", t);
    }

    @Test
    void aMachineIdRequirementPinsTheUnit() {
        Machine m2 = c.machine("m2");
        c.fleetctl("start", "--block-attempts=20", c.unitFile("pinned.service",
                unit("Pinned", "MachineID=" + m2.machineId().substring(0, 8) + "\n"))).ok();
        assertEquals(List.of("m2"), c.runningOn("pinned.service"));
        c.fleetctl("destroy", "pinned.service").ok();
    }

    @Test
    void aGlobalUnitRunsOnEveryMachine() {
        long t = System.nanoTime();
        FleetCluster.Run r = c.fleetctl("start", c.unitFile("everywhere.service", unit("Everywhere", "Global=true\n"))).ok();
        assertEquals(List.of("Unit everywhere.service inactive", "Triggered global unit everywhere.service start"), r.lines());
        c.await("everywhere.service on all 3 machines", () -> c.runningOn("everywhere.service").size() == 3);
        c.await("list-units shows 3 rows", () -> c.fleetctl("list-units", "--no-legend").ok().lines().stream()
                .filter(l -> l.startsWith("everywhere.service\t") && l.endsWith("\tactive\trunning")).count() == 3);
        c.fleetctl("destroy", "everywhere.service").ok();
        c.await("everywhere.service gone from every machine", () -> c.runningOn("everywhere.service").isEmpty());
        FleetCluster.figure("global", t);
    }

    @Test
    void aReplacingUnitTakesTheMachineAndTheReplacedMoves() {
        long t = System.nanoTime();
        c.fleetctl("start", "--block-attempts=20", c.unitFile("old.service", unit("Old", ""))).ok();
        List<String> before = c.runningOn("old.service");
        assertEquals(1, before.size());
        // the replacer takes old.service's machine; old.service is placed again elsewhere
        c.fleetctl("start", "--block-attempts=20", c.unitFile("new.service", unit("New", "Replaces=old.service\n"))).ok();
        assertEquals(before, c.runningOn("new.service"));
        c.await("old.service moved to another machine", () -> {
            List<String> now = c.runningOn("old.service");
            return now.size() == 1 && !now.equals(before);
        });
        assertNotEquals(before, c.runningOn("old.service"));
        c.fleetctl("destroy", "old.service", "new.service").ok();
        FleetCluster.figure("replaces", t);
    }
}
