package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.fleetj.testkit.CommandResult;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every fleetctl command and its error cases with both drivers on one real 3-machine cluster: the etcd driver
 * (what {@code local-cluster env} exports), the API driver over TCP from the host (fleetd's listener on m2), and
 * the API driver over fleetd's unix socket inside m3 ({@code fleetctl} run in the machine, its default endpoint).
 * For the same cluster state the three print exactly the same, byte for byte, and exit the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriversIT {
    private static final int ATTEMPTS = 15;
    private FleetCluster c;
    private Machine m1;
    private Machine m2;
    private Machine m3;
    private List<Driver> drivers;
    private final ExecutorService parallel = Executors.newFixedThreadPool(3);

    /** One way of running fleetctl against the cluster. */
    record Driver(String name, Function<String[], FleetCluster.Run> runner, AtomicLong nanos, AtomicInteger runs) {
        Driver(String name, Function<String[], FleetCluster.Run> runner) {
            this(name, runner, new AtomicLong(), new AtomicInteger());
        }

        FleetCluster.Run run(String... args) {
            long t = System.nanoTime();
            try {
                return runner.apply(args);
            } finally {
                nanos.addAndGet(System.nanoTime() - t);
                runs.incrementAndGet();
            }
        }
    }

    @BeforeAll
    void boot() {
        long t = System.nanoTime();
        c = FleetCluster.up(3, LocalClusterOptions.defaults());
        m1 = c.machine("m1");
        m2 = c.machine("m2");
        m3 = c.machine("m3");
        drivers = List.of(
                new Driver("etcd", args -> c.fleetctl(args)),
                new Driver("api over TCP to m2", args -> c.fleetctl(c.local().apiDriverEnv(m2), args)),
                new Driver("api over the unix socket in m3", args -> inMachine("m3", args)));
        FleetCluster.figure("drivers_boot_3_machines", t);

        // a cluster state with every kind of unit: launched, loaded, inactive, global, template and instance
        c.fleetctl("start", "--block-attempts=" + ATTEMPTS, c.unitFile("web.service", unit("Web", "MachineID=" + m1.machineId()))).ok();
        c.fleetctl("load", "--block-attempts=" + ATTEMPTS, c.unitFile("db.service", unit("DB", "MachineID=" + m2.machineId()))).ok();
        c.fleetctl("submit", c.unitFile("idle.service", unit("Idle", ""))).ok();
        c.fleetctl("start", c.unitFile("every.service", unit("Everywhere", "Global=true"))).ok();
        c.fleetctl("submit", c.unitFile("tpl@.service", unit("Template %i", "echo instance %i says hi; while :; do sleep 1; done",
                "MachineID=" + m3.machineId()))).ok();
        c.fleetctl("start", "--block-attempts=" + ATTEMPTS, "tpl@1.service").ok();
        c.await("every.service active on 3 machines, db.service loaded", () ->
                c.runningOn("every.service").size() == 3 && c.activeState("m2", "db.service").equals("inactive")
                        && c.fleetctl("list-units", "--no-legend", "--fields", "unit,active").ok().lines().stream()
                        .filter(l -> l.equals("every.service\tactive")).count() == 3);
    }

    @AfterAll
    void tearDown() {
        if (drivers != null) {
            for (Driver d : drivers) {
                if (d.runs().get() > 0) {
                    System.out.printf("e2e_drivers_mean_run_ms{driver=\"%s\"}=%d%n", d.name(), d.nanos().get() / d.runs().get() / 1_000_000);
                }
            }
        }
        parallel.shutdownNow();
        if (c != null) c.close();
    }

    private static String unit(String description, String xfleet) {
        return unit(description, "trap 'exit 0' TERM; while :; do sleep 1; done", xfleet);
    }

    private static String unit(String description, String script, String xfleet) {
        return "[Unit]\nDescription=" + description + "\n\n[Service]\nExecStart=/bin/sh -c \"" + script + "\"\n"
                + (xfleet.isEmpty() ? "" : "\n[X-Fleet]\n" + xfleet + "\n");
    }

    /** fleetctl as a user of that machine runs it: on its PATH, no FLEETCTL_* variables, the default unix endpoint. */
    private FleetCluster.Run inMachine(String machine, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "fleetctl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        CommandResult r = c.local().sh(machine, cmd);
        return new FleetCluster.Run(List.of(args), r.exitCode(), r.stdout(), r.stderr());
    }

    /**
     * Runs the same command with every driver (at the same time: the commands given to it only read, or fail), asserts
     * they agree, and returns what they printed.
     */
    private FleetCluster.Run same(String... args) {
        List<CompletableFuture<FleetCluster.Run>> runs = drivers.stream()
                .map(d -> CompletableFuture.supplyAsync(() -> d.run(args), parallel)).toList();
        FleetCluster.Run first = null;
        for (int i = 0; i < drivers.size(); i++) {
            Driver d = drivers.get(i);
            FleetCluster.Run r = runs.get(i).join();
            if (first == null) {
                first = r;
                continue;
            }
            assertEquals(first.exit(), r.exit(), "exit of " + List.of(args) + " with " + d.name() + " vs etcd\n" + r + "\n" + first);
            assertEquals(first.out(), r.out(), "stdout of " + List.of(args) + " with " + d.name() + " vs etcd");
            assertEquals(first.err(), r.err(), "stderr of " + List.of(args) + " with " + d.name() + " vs etcd");
        }
        return first;
    }

    @Test
    void theListsAndCatPrintTheSameWithEveryDriver() {
        long t = System.nanoTime();
        String[][] reads = {
                {"list-machines"}, {"list-machines", "--full"}, {"list-machines", "-l", "--no-legend", "--fields", "ip,machine"},
                {"list-machines", "-o", "json"},
                {"list-units"}, {"list-units", "--full"}, {"list-units", "--no-legend", "--fields", "unit,hash,load,machine,active,sub"},
                {"list-units", "-o", "json"},
                {"list-unit-files"}, {"list-unit-files", "--full"}, {"list-unit-files", "--fields", "unit,desc,global,dstate,state,target,hash"},
                {"list-unit-files", "-o", "json"},
                {"cat", "web.service"}, {"cat", "tpl@1"}, {"cat", "tpl@.service"}, {"version"}, {"help", "list-units"},
                {"completion", "bash"}};
        for (String[] args : reads) {
            FleetCluster.Run r = same(args);
            assertEquals(0, r.exit(), r.toString());
            assertEquals("", r.err(), r.toString());
            assertFalse(r.out().isBlank(), r.toString());
        }
        // and what they agree on is the cluster's state
        assertEquals(GoTable.lines(new String[] {"db.service", "loaded", "loaded", legend(m2)},
                        new String[] {"every.service", "launched", "-", "global"}, new String[] {"idle.service", "inactive", "inactive", "-"},
                        new String[] {"tpl@.service", "inactive", "inactive", "-"}, new String[] {"tpl@1.service", "launched", "launched", legend(m3)},
                        new String[] {"web.service", "launched", "launched", legend(m1)}),
                same("list-unit-files", "--no-legend", "--fields", "unit,dstate,state,target").lines());
        List<String> units = same("list-units", "--no-legend", "--fields", "unit,machine,active").lines().stream()
                .map(l -> l.replaceAll("\t+", " ")).toList();
        assertEquals(List.of("db.service " + legend(m2) + " inactive", "tpl@1.service " + legend(m3) + " active",
                "web.service " + legend(m1) + " active"), units.stream().filter(l -> !l.startsWith("every.service")).toList());
        assertEquals(3, units.stream().filter(l -> l.startsWith("every.service ") && l.endsWith(" active")).count(), units.toString());
        assertEquals(unit("Web", "MachineID=" + m1.machineId()), same("cat", "web.service").out());
        FleetCluster.figure("drivers_reads", t);
    }

    /**
     * journal, ssh, status and the global restart find the unit's machine through the driver, then use SSH (or, in
     * m3 for a unit of m3, run locally as fleet does): the same output whichever driver found the machine.
     */
    @Test
    void theSshCommandsDoTheSameWithEveryDriver() {
        long t = System.nanoTime();
        String[] ssh = {"--ssh-username", "root", "--identity-file", c.local().identityFile().toString(),
                "--known-hosts-file", c.local().knownHostsFile().toString()};
        FleetCluster.Run journal = same(concat(ssh, "journal", "--lines", "5", "tpl@1"));
        assertEquals(0, journal.exit(), journal.toString());
        // the unit's journal on m3: its own line, and (each machine has its own journal) systemd's "Started" line
        assertTrue(journal.out().matches("(?s)(.*\n)?\\w{3} [ \\d]\\d [\\d:]{8} m3 sh\\[\\d+\\]: instance 1 says hi\n.*"), journal.out());
        assertEquals("", journal.err());
        assertEquals(new FleetCluster.Run(List.of(), 0, "m3\n", ""), withoutArgs(same(concat(ssh, "ssh", "tpl@1", "hostname"))));
        assertEquals(new FleetCluster.Run(List.of(), 0, "m1\n", ""), withoutArgs(same(concat(ssh, "ssh", "web.service", "hostname"))));
        assertEquals(new FleetCluster.Run(List.of(), 4, "", ""), withoutArgs(same(concat(ssh, "ssh", m2.machineId().substring(0, 10), "--", "exit 4"))));
        for (Driver d : drivers) {
            // systemctl status shows times ("3s ago"): the same unit and state, not the same bytes
            FleetCluster.Run status = d.run(concat(ssh, "status", "tpl@1.service"));
            assertEquals(0, status.exit(), d.name() + ": " + status);
            assertTrue(status.out().startsWith("● tpl@1.service - Template 1\n"), d.name() + ": " + status.out());
            assertTrue(status.out().contains("Active: active (running)"), d.name() + ": " + status.out());

            // a global unit is restarted with systemctl on every machine that runs it
            Map<String, String> before = c.startIdentities(List.of("every.service"));
            assertEquals(3, before.size(), before.toString());
            FleetCluster.Run restart = d.run(concat(ssh, "restart", "every.service"));
            assertEquals(new FleetCluster.Run(List.of(), 0, "", ""), withoutArgs(restart), d.name());
            Map<String, String> after = c.startIdentities(List.of("every.service"));
            assertEquals(before.keySet(), after.keySet());
            for (String k : before.keySet()) assertNotEquals(before.get(k), after.get(k), d.name() + " restarted " + k);
        }
        FleetCluster.figure("drivers_ssh_commands", t);
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static FleetCluster.Run withoutArgs(FleetCluster.Run r) {
        return new FleetCluster.Run(List.of(), r.exit(), r.out(), r.err());
    }

    @Test
    void theLifecycleOfAUnitPrintsTheSameWithEveryDriver() {
        long t = System.nanoTime();
        String where = legend(m2);
        List<String> expected = List.of(
                "submit: 0 [Unit X inactive] []",
                "submit: 0 [] []",
                "load: 0 [Unit X loaded on " + where + "] []",
                "start: 0 [Unit X launched on " + where + "] []",
                "restart: 0 [Unit X loaded on " + where + ", Unit X launched on " + where + "] []",
                "stop: 0 [Unit X loaded on " + where + "] [Successfully stopped units [X].]",
                "start: 0 [Triggered unit X start] []",
                "stop: 0 [Triggered unit X stop] [Successfully stopped units [X].]",
                "unload: 0 [Unit X inactive] [Successfully unloaded units [X].]",
                "destroy: 0 [Destroyed X] []");
        // each driver its own unit (the same file content under another name, pinned to m2), all three at once
        List<CompletableFuture<List<String>>> lifecycles = new ArrayList<>();
        for (int i = 0; i < drivers.size(); i++) {
            Driver d = drivers.get(i);
            String name = "life" + (i + 1) + ".service";
            lifecycles.add(CompletableFuture.supplyAsync(() -> lifecycle(d, name), parallel));
        }
        for (int i = 0; i < drivers.size(); i++) {
            try {
                assertEquals(expected, lifecycles.get(i).join(), drivers.get(i).name());
            } catch (CompletionException e) {
                if (e.getCause() instanceof AssertionError a) throw a;
                throw e;
            }
        }
        FleetCluster.figure("drivers_lifecycle_3_drivers", t);
    }

    /** submit, load, start, restart, stop, start/stop --no-block, unload, destroy: what each printed, checked in systemd. */
    private List<String> lifecycle(Driver d, String name) {
        String path = c.unitFile(name, unit("Life", "MachineID=" + m2.machineId()));
        List<String> seen = new ArrayList<>();
        seen.add(step(d, name, "submit", path));
        seen.add(step(d, name, "submit", path));
        seen.add(step(d, name, "load", "--block-attempts=" + ATTEMPTS, name));
        assertEquals("inactive", c.activeState("m2", name), d.name());
        seen.add(step(d, name, "start", "--block-attempts=" + ATTEMPTS, name));
        assertEquals("active", c.activeState("m2", name), d.name());
        String before = c.startIdentity("m2", name);
        seen.add(step(d, name, "restart", "--block-attempts=" + ATTEMPTS, name));
        assertEquals("active", c.activeState("m2", name), d.name());
        assertNotEquals(before, c.startIdentity("m2", name), "restart started it anew (" + d.name() + ")");
        seen.add(step(d, name, "stop", "--block-attempts=" + ATTEMPTS, name));
        assertEquals("inactive", c.activeState("m2", name), d.name());
        seen.add(step(d, name, "start", "--no-block", name));
        c.await(name + " active again", () -> c.activeState("m2", name).equals("active"));
        seen.add(step(d, name, "stop", "--no-block", name));
        c.await(name + " stopped again", () -> c.activeState("m2", name).equals("inactive"));
        seen.add(step(d, name, "unload", "--block-attempts=" + ATTEMPTS, name));
        seen.add(step(d, name, "destroy", name));
        c.await(name + " gone from m2's systemd", () -> c.local().sh("m2", "systemctl", "show", "-p", "LoadState", "--value", name)
                .trimmed().equals("not-found"));
        return seen;
    }

    /** One command of a lifecycle, as "command: exit [stdout lines] [stderr lines]" with the unit's name as X. */
    private static String step(Driver d, String name, String... args) {
        FleetCluster.Run r = d.run(args);
        return args[0] + ": " + r.exit() + " " + lines(r.out(), name) + " " + lines(r.err(), name);
    }

    private static List<String> lines(String s, String name) {
        return s.isEmpty() ? List.of() : s.replace(name, "X").lines().toList();
    }

    @Test
    void errorsAreTheSameWithEveryDriverAndExitNonZero() {
        long t = System.nanoTime();
        String badMachineOf = c.unitFile("bad-machineof.service", unit("Bad", "MachineOf="));
        String badGlob = c.unitFile("bad-glob.service", unit("Bad", "Conflicts=web[.service"));
        String badName = c.unitFile("bad name!.service", unit("Bad", ""));
        Object[][] cases = {
                {new String[] {"cat", "nosuch.service"}, "Unit nosuch.service not found\n"},
                {new String[] {"cat"}, "One unit file must be provided\n"},
                {new String[] {"status", "nosuch.service"}, "Unit nosuch.service does not exist.\n"},
                {new String[] {"journal", "nosuch"}, "Unit nosuch.service does not exist.\n"},
                {new String[] {"ssh", "nosuch.service"}, "Unable to proceed: could not find matching unit or machine\n"},
                {new String[] {"start", "nosuch.service"}, "Error creating units: unable to find Unit(nosuch.service) in Registry or on filesystem\n"},
                {new String[] {"load", "nosuch@1.service"}, "Error creating units: failed getting Unit(nosuch@1.service) from template: "
                        + "unable to find template Unit(nosuch@.service) in Registry or on filesystem\n"},
                {new String[] {"start", badName}, "Error creating units: invalid unit name \"bad name!.service\": character U+0020 at position 4 "
                        + "is not allowed; only A-Z a-z 0-9 : _ . @ - \\ may precede the type suffix\n"},
                {new String[] {"submit", badMachineOf}, "Error creating units: [X-Fleet] MachineOf has an empty value; give a unit name\n"},
                {new String[] {"submit", badGlob}, "Error creating units: [X-Fleet] Conflicts: invalid glob \"web[.service\": "
                        + "unterminated character class (missing ']')\n"},
                {new String[] {"stop", "idle.service"}, "Unable to stop unit idle.service in state inactive\n"},
                {new String[] {"restart", "idle.service"}, "Unable to restart unit idle.service in state inactive\n"},
                {new String[] {"journal", "idle.service"}, "Unit idle.service does not appear to be running.\n"},
                {new String[] {"status", "idle.service"}, "Unit idle.service does not appear to be loaded.\n"},
                {new String[] {"ssh", "idle.service"}, "Unable to proceed: unit idle.service is not scheduled to any machine\n"},
                {new String[] {"journal", "every.service"}, "Unable to retrieve journal of global unit every.service.\n"},
                {new String[] {"start", "tpl@.service"}, "Unable to start unit tpl@.service: it is a template, which is never scheduled; "
                        + "start an instance of it instead, such as tpl@1.service\n"},
                {new String[] {"destroy", "nosuch.service"}, "Units not found in registry\n"},
                {new String[] {"destroy"}, "No units given\n"},
                {new String[] {"list-units", "--fields", "bogus"}, "Invalid key in output format: \"bogus\"\n"},
                {new String[] {"list-unit-files", "--fields", "unit,nope"}, "Invalid key in output format: \"nope\"\n"},
                {new String[] {"list-machines", "--bogus"}, "Error: Unknown option: '--bogus'\nRun 'fleetctl list-machines --help' for usage.\n"},
                // the index counts what was typed, with or without FLEETCTL_* variables (the host's runs have them, m3's not)
                {new String[] {"list-units", "extra"}, "Error: Unmatched argument at index 1: 'extra'\nRun 'fleetctl list-units --help' for usage.\n"},
        };
        for (Object[] k : cases) {
            String[] args = (String[]) k[0];
            FleetCluster.Run r = same(args);
            assertEquals(1, r.exit(), List.of(args) + ": " + r);
            assertEquals("", r.out(), List.of(args) + ": " + r);
            assertEquals(k[1], r.err(), List.of(args).toString());
        }
        // nothing of that changed the cluster
        assertEquals(List.of("db.service", "every.service", "idle.service", "tpl@.service", "tpl@1.service", "web.service"),
                c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit").ok().lines());
        assertEquals("active", c.activeState("m1", "web.service"));
        FleetCluster.figure("drivers_errors", t);
    }

    @Test
    void unreachableEndpointsFailWithTheReasonWithinTheRequestTimeout() throws IOException {
        long t = System.nanoTime();
        String host = c.local().hostIp();
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            closed = s.getLocalPort();
        }
        FleetCluster.Run api = c.fleetctl(Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", "http://" + host + ":" + closed), "list-units");
        assertEquals(new FleetCluster.Run(List.of("list-units"), 1, "", "Error retrieving list of units from repository: Get http://" + host + ":"
                + closed + "/fleet/v1/state: dial tcp " + host + ":" + closed + ": connection refused\n"), api);
        FleetCluster.Run etcd = c.fleetctl(Map.of("FLEETCTL_ENDPOINT", "http://" + host + ":" + closed), "list-units");
        assertEquals(1, etcd.exit());
        assertEquals("Error retrieving list of units from repository: etcd at http://" + host + ":" + closed
                + " failed (range): UNAVAILABLE io exception (Connection refused)\n", etcd.err());

        // a listener that accepts and never answers: each driver gives up after --request-timeout
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 50);
            String endpoint = "http://" + host + ":" + silent.getLocalPort();
            long t0 = System.nanoTime();
            FleetCluster.Run r = c.fleetctl(Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", endpoint), "--request-timeout=1", "list-machines");
            assertEquals(1, r.exit());
            assertEquals("Error retrieving list of active machines from fleet API (Get " + endpoint
                    + "/fleet/v1/machines: request timed out after 1000 ms (--request-timeout))\nPossible issues:\n"
                    + "  etcd is unhealthy and/or lost quorum\n  connection cannot be established to any etcd servers\n", r.err());
            long t1 = System.nanoTime();
            r = c.fleetctl(Map.of("FLEETCTL_ENDPOINT", endpoint), "--request-timeout=1", "start", "--no-block", "idle.service");
            assertEquals(1, r.exit());
            assertEquals("Error creating units: error retrieving Unit(idle.service) from Registry: etcd at " + endpoint
                    + " did not answer (range) within 1000 ms\n", r.err());
            long t2 = System.nanoTime();
            assertTrue((t1 - t0) / 1_000_000 < 5_000 && (t2 - t1) / 1_000_000 < 5_000,
                    "bounded by the request timeout: api " + (t1 - t0) / 1_000_000 + " ms, etcd " + (t2 - t1) / 1_000_000 + " ms");
        }

        // inside a machine: no socket where the endpoint says
        FleetCluster.Run sock = inMachine("m1", "--endpoint", "unix:///run/nosuch.sock", "list-machines");
        assertEquals(1, sock.exit());
        assertEquals("Error retrieving list of active machines from fleet API (Get http://domain-sock/fleet/v1/machines: dial unix "
                + "/run/nosuch.sock: connect: no such file or directory)\nPossible issues:\n"
                + "  etcd is unhealthy and/or lost quorum\n  connection cannot be established to any etcd servers\n", sock.err());
        // client set-up errors
        assertEquals(new FleetCluster.Run(List.of("list-units"), 1, "", "Unable to initialize client: unrecognized driver \"bogus\"\n"),
                c.fleetctl(Map.of("FLEETCTL_DRIVER", "bogus"), "list-units"));
        assertEquals(new FleetCluster.Run(List.of("list-units"), 1, "", "Unable to initialize client: URL scheme undefined\n"),
                c.fleetctl(Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", m2.ip() + ":49153"), "list-units"));
        FleetCluster.figure("drivers_unreachable", t);
    }

    private static String legend(Machine m) {
        return m.machineId().substring(0, 8) + ".../" + m.ip();
    }
}
