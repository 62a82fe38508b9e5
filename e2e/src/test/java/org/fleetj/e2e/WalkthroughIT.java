package org.fleetj.e2e;

import static org.fleetj.e2e.GoTable.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fleetj.testkit.LocalCluster;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/**
 * The seed's walkthrough exactly as a user types it, in {@code examples/}, through the {@code bin/fleetctl}
 * launcher (a JVM per command, as in a shell), on a real 4-machine cluster with fleetd on every machine; every
 * line of output asserted. Then {@code scripts/demo} itself, on a cluster of its own name.
 */
class WalkthroughIT {
    private static final Pattern LAUNCHED = Pattern.compile("Unit (helloworld@\\d\\.service) launched on ([0-9a-f]{8})\\.\\.\\./(10\\.\\d+\\.\\d+\\.\\d+)");
    private static final Path EXAMPLES = FleetctlProcess.repoRoot().resolve("examples");

    @Test
    void theWalkthroughWithTheHelloworldUnits() throws Exception {
        long t = System.nanoTime();
        try (FleetCluster c = FleetCluster.up(4, LocalClusterOptions.defaults())) {
            FleetCluster.figure("walkthrough_boot_4_machines", t);
            FleetctlProcess user = FleetctlProcess.in(EXAMPLES, c.env());
            String hello = shortHash("helloworld.service");
            String template = shortHash("helloworld@.service");

            List<Machine> byId = c.machines().stream().sorted(Comparator.comparing(Machine::machineId)).toList();
            List<List<String>> machineRows = new ArrayList<>(List.of(row("MACHINE", "IP", "METADATA")));
            for (Machine m : byId) machineRows.add(row(m.machineId().substring(0, 8) + "...", m.ip(), "name=" + m.name()));
            assertOutput(GoTable.lines(machineRows), user.fleetctl("list-machines"));

            FleetCluster.Run start = user.fleetctl("start", "helloworld.service");
            List<String> on = c.runningOn("helloworld.service");
            assertEquals(1, on.size(), "helloworld.service active in exactly one machine's systemd: " + on);
            String where = legend(c.machine(on.get(0)));
            assertOutput(List.of("Unit helloworld.service inactive", "Unit helloworld.service launched on " + where), start);

            assertOutput(GoTable.lines(List.of(row("UNIT", "MACHINE", "ACTIVE", "SUB"),
                    row("helloworld.service", where, "active", "running"))), user.fleetctl("list-units"));
            assertOutput(GoTable.lines(List.of(row("UNIT", "HASH", "DSTATE", "STATE", "TARGET"),
                    row("helloworld.service", hello, "launched", "launched", where))), user.fleetctl("list-unit-files"));

            // journal over SSH: the Hello World lines of that machine's journal. The unit's journal also holds
            // systemd's own "Started ..." line (each machine has its own journal), so wait until the default
            // last 10 lines are all the unit's output.
            String host = on.get(0);
            c.await("10 Hello World lines in " + host + "'s journal", () -> journalOf(c, host).stream().filter(l -> l.endsWith("Hello World")).count() >= 10);
            FleetCluster.Run journal = user.fleetctl("journal", "helloworld").ok();
            assertEquals("", journal.err());
            List<String> lines = journal.lines();
            assertTrue(lines.size() >= 3 && lines.size() <= 10, "journal's default is the last 10 lines: " + lines);
            Pattern helloLine = Pattern.compile("[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d " + host + " sh\\[\\d+\\]: Hello World");
            for (String l : lines) assertTrue(helloLine.matcher(l).matches(), "a Hello World line of " + host + ": " + l);
            assertTrue(journalOf(c, host).containsAll(lines), "the lines are " + host + "'s own journal: " + lines);

            assertOutput(List.of("Unit helloworld.service loaded on " + where), "Successfully stopped units [helloworld.service].\n",
                    user.fleetctl("stop", "helloworld.service"));
            assertEquals("inactive", c.activeState(host, "helloworld.service"));
            assertOutput(List.of("Unit helloworld.service inactive"), "Successfully unloaded units [helloworld.service].\n",
                    user.fleetctl("unload", "helloworld.service"));
            c.await("helloworld.service unloaded from " + host, () ->
                    c.local().sh(host, "systemctl", "show", "-p", "LoadState", "--value", "helloworld.service").trimmed().equals("not-found"));
            assertOutput(List.of("Destroyed helloworld.service"), user.fleetctl("destroy", "helloworld.service"));
            assertOutput(List.of("UNIT\tHASH\tDSTATE\tSTATE\tTARGET"), user.fleetctl("list-unit-files"));
            FleetCluster.figure("walkthrough_helloworld", t);

            // fleetctl start helloworld@{1..4}.service: Conflicts=helloworld@*.service puts each on its own machine
            long t4 = System.nanoTime();
            FleetCluster.Run four = user.fleetctl("start", "helloworld@1.service", "helloworld@2.service", "helloworld@3.service",
                    "helloworld@4.service").ok();
            assertEquals("", four.err());
            List<String> out = four.lines();
            assertEquals(8, out.size(), out.toString());
            for (int i = 1; i <= 4; i++) assertEquals("Unit helloworld@" + i + ".service inactive", out.get(i - 1));
            List<List<String>> fileRows = new ArrayList<>(List.of(row("UNIT", "HASH", "DSTATE", "STATE", "TARGET")));
            Set<String> expectedLaunched = new HashSet<>();
            Set<String> machinesUsed = new HashSet<>();
            for (int i = 1; i <= 4; i++) {
                String unit = "helloworld@" + i + ".service";
                List<String> runsOn = c.runningOn(unit);
                assertEquals(1, runsOn.size(), unit + " active on exactly one machine: " + runsOn);
                machinesUsed.add(runsOn.get(0));
                String legend = legend(c.machine(runsOn.get(0)));
                expectedLaunched.add("Unit " + unit + " launched on " + legend);
                fileRows.add(row(unit, template, "launched", "launched", legend));
            }
            assertEquals(Set.of("m1", "m2", "m3", "m4"), machinesUsed, "4 instances on 4 different machines");
            // each unit's outcome is printed as it lands, so their order is the cluster's
            assertEquals(expectedLaunched, new HashSet<>(out.subList(4, 8)));
            assertOutput(GoTable.lines(fileRows), user.fleetctl("list-unit-files"));
            FleetCluster.figure("walkthrough_helloworld_instances_4", t4);
        }
        FleetCluster.figure("WalkthroughIT_walkthrough", t);
    }

    /**
     * {@code scripts/demo} as a user runs it, but on a cluster of its own name (FLEET_CLUSTER_NAME): a user's
     * "default" cluster is left alone, and the closing instructions name the cluster.
     */
    @Test
    void scriptsDemoPlaysTheWalkthroughOnTheClusterItIsNamed() {
        long t = System.nanoTime();
        String name = "d" + Long.toString(ProcessHandle.current().pid(), 36);
        Path defaultState = Path.of("/var/lib/fleet-local-cluster/default/cluster.env");
        boolean defaultExisted = Files.exists(defaultState);
        LocalCluster demoCluster = LocalCluster.named(name);
        try {
            FleetCluster.Run demo = FleetctlProcess.in(FleetctlProcess.repoRoot(), Map.of("FLEET_CLUSTER_NAME", name))
                    .program(Duration.ofMinutes(4), "scripts/demo", "--no-build");
            assertEquals(0, demo.exit(), "scripts/demo exit status\nstdout:\n" + demo.out() + "\nstderr:\n" + demo.err());
            String out = demo.out();
            List<String> lines = List.of(out.split("\n"));

            assertTrue(lines.contains("$ fleetctl start helloworld.service"), out);
            assertTrue(lines.stream().anyMatch(l -> l.matches("Unit helloworld\\.service launched on [0-9a-f]{8}\\.\\.\\./10\\.\\d+\\.\\d+\\.\\d+")), out);
            assertTrue(lines.stream().anyMatch(l -> l.matches(".* sh\\[\\d+\\]: Hello World")), "journal over SSH printed Hello World lines:\n" + out);
            assertTrue(lines.contains("Destroyed helloworld.service"), out);
            assertTrue(lines.contains("UNIT\t\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET"), "list-unit-files' header:\n" + out);
            Set<String> instanceMachines = new HashSet<>();
            Set<String> instances = new HashSet<>();
            for (String l : lines) {
                Matcher m = LAUNCHED.matcher(l);
                if (m.matches()) {
                    instances.add(m.group(1));
                    instanceMachines.add(m.group(2));
                }
            }
            assertEquals(Set.of("helloworld@1.service", "helloworld@2.service", "helloworld@3.service", "helloworld@4.service"), instances, out);
            assertEquals(4, instanceMachines.size(), "4 instances on 4 machines:\n" + out);
            // the closing instructions name this cluster, so they work as printed
            assertTrue(out.contains("eval \"$(scripts/local-cluster --name " + name + " env)\""), out);
            assertTrue(lines.contains("  scripts/local-cluster --name " + name + " down"), out);

            // the cluster the demo left up is the one of that name: 4 machines, one instance active on each
            List<Machine> machines = demoCluster.machines();
            assertEquals(4, machines.size());
            for (Machine m : machines) {
                String active = demoCluster.sh(m.name(), "systemctl", "list-units", "--state=active", "--no-legend", "--plain", "helloworld@*")
                        .trimmed();
                assertEquals(1, active.lines().count(), m.name() + " runs one instance: " + active);
            }
            assertEquals(defaultExisted, Files.exists(defaultState), "the demo leaves a cluster named default as it was");
        } finally {
            demoCluster.close();
        }
        FleetCluster.figure("WalkthroughIT_demo", t);
    }

    private static List<String> journalOf(FleetCluster c, String machine) {
        return c.local().sh(machine, "journalctl", "--unit", "helloworld.service", "--no-pager", "--output", "short", "-n", "200")
                .stdout().lines().toList();
    }

    /** The first 7 hex characters of the SHA-1 of the unit's canonical text (the example files are written in it). */
    private static String shortHash(String example) throws Exception {
        String text = Files.readString(EXAMPLES.resolve(example));
        assertEquals(text, UnitFile.parse(text).serialize(), example + " is in fleet's canonical form, so its bytes are what is hashed");
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha1).substring(0, 7);
    }

    private static String legend(Machine m) {
        return m.machineId().substring(0, 8) + ".../" + m.ip();
    }

    private static void assertOutput(List<String> expectedStdout, FleetCluster.Run run) {
        assertOutput(expectedStdout, "", run);
    }

    private static void assertOutput(List<String> expectedStdout, String expectedStderr, FleetCluster.Run run) {
        assertEquals(0, run.exit(), "fleetctl " + run.args() + " exit status; stderr: " + run.err());
        assertEquals(expectedStdout, run.lines(), "fleetctl " + run.args() + " stdout");
        assertFalse(run.out().endsWith("\n\n"), "no trailing blank line");
        assertEquals(expectedStderr, run.err(), "fleetctl " + run.args() + " stderr");
    }
}
