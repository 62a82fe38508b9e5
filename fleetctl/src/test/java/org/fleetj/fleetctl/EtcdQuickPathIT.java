package org.fleetj.fleetctl;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;
import org.fleetj.registry.etcd.TestCertificates;
import org.fleetj.testkit.EtcdClientTls;
import org.fleetj.testkit.EtcdGateway;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.testkit.EtcdTls;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/**
 * The etcd driver's list commands on the quick path read etcd through its JSON gateway, not jetcd: on a real etcd
 * (plain http and TLS with client certificates) each accepted line prints exactly what the same line prints through
 * picocli and the jetcd driver — units in every state, global units, machines with metadata and availability, broken
 * records, an empty registry, several endpoints, and the errors of an unreachable or refusing etcd — and a fleetctl
 * process running such a line loads no jetcd, gRPC, Netty or Vert.x class.
 */
class EtcdQuickPathIT {
    private static final String PREFIX = "/quick-it/";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String[][] LINES = {
            {"list-units"}, {"list-units", "--no-legend", "-l"}, {"list-units", "--fields", "unit,hash,load,machine"},
            {"list-units", "--fields=machine", "--full"}, {"list-units", "-o", "json"}, {"list-m"}, {"list-machines"},
            {"list-machines", "--fields", "machine,ip,metadata", "--full"}, {"list-machines", "-o", "json"},
            {"list-machines", "--fields=machine,availability,cpu"}, {"list-unit-files"}, {"list-unit-files", "--full"},
            {"list-unit-files", "--fields=unit,hash,dstate,state,target,global,desc", "--no-legend"},
            {"list-unit-files", "--fields=unit,tmachine,reason,result"}, {"list-unit-files", "-o", "json"},
            {"list-units", "--request-timeout", "5"},
    };

    private record Outcome(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n" + out + "---\n" + err;
        }
    }

    /** One line through the quick path (asserting it takes it) with the flags in front. */
    private static Outcome quick(List<String> flags, String... line) {
        String[] argv = argv(flags, line);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Integer exit = QuickPath.run(argv, Map.of(), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new DriverClientFactory());
        assertNotNull(exit, "the quick path should take " + List.of(argv));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The same line through picocli: the jetcd driver, as before the quick path read etcd itself. */
    private static Outcome jetcd(List<String> flags, String... line) {
        String[] argv = argv(flags, line);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Fleetctl.runWithPicocli(argv.clone(), argv, Map.of(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), new DriverClientFactory());
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] argv(List<String> flags, String... line) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(List.of(line));
        return all.toArray(new String[0]);
    }

    private static void sameBothWays(List<String> flags) {
        for (String[] line : LINES) {
            assertEquals(jetcd(flags, line).toString(), quick(flags, line).toString(), flags + " " + String.join(" ", line));
        }
        assertAnsweredThroughTheGateway(flags);
    }

    /** The lists were read through the JSON gateway, not handed to jetcd (its --debug lines say which). */
    private static void assertAnsweredThroughTheGateway(List<String> flags) {
        List<String> debug = new ArrayList<>(flags);
        debug.add("--debug");
        for (String command : List.of("list-units", "list-machines", "list-unit-files")) {
            Outcome o = quick(debug, command);
            assertEquals(0, o.exit(), o.toString());
            assertTrue(o.err().contains("lists through etcd's JSON gateway") && !o.err().contains("asking through jetcd"), o.toString());
        }
    }

    /**
     * A cluster in etcd as fleetd writes it: three machines (announced metadata, dynamic metadata, one cordoned), units
     * launched, loaded and inactive, a global unit with states on two machines, a state of a unit that is gone, and a
     * job and a unit state that cannot be read. Closing it ends the machines' presences.
     */
    private static final class Cluster implements AutoCloseable {
        private final EtcdRegistry registry;
        private final List<AutoCloseable> open = new ArrayList<>();

        Cluster(EtcdConfig config, EtcdGateway raw) {
            registry = EtcdRegistry.open(config);
            String m1 = RegistryTestData.machineId(1);
            String m2 = RegistryTestData.machineId(2);
            String m3 = RegistryTestData.machineId(3);
            MachinePresence p1 = join(new MachineState(m1, "10.0.0.1", Map.of("role", "web", "region", "eu"), "0.1.0"), "host1");
            MachinePresence p2 = join(new MachineState(m2, "10.0.0.2", Map.of(), "0.1.0"), "host2");
            join(new MachineState(m3, "10.0.0.3", Map.of("role", "db"), "0.1.0"), "host3");
            registry.setMachineMetadata(m2, "disk", "ssd");
            registry.setMachineAvailability(m3, MachineAvailability.CORDONED);

            UnitFile hello = RegistryTestData.service("/bin/sleep 1000");
            UnitFile loaded = RegistryTestData.service("/bin/sleep 2000");
            UnitFile global = RegistryTestData.globalService("/bin/sleep 3000");
            registry.createJob("hello.service", hello, TargetState.LAUNCHED);
            registry.createJob("loaded.service", loaded, TargetState.LOADED);
            registry.createJob("idle.service", RegistryTestData.service("/bin/true"), TargetState.INACTIVE);
            registry.createJob("global.service", global, TargetState.LAUNCHED);
            LeaderLatch latch = registry.leaderLatch(m1, Duration.ofSeconds(10));
            open.add(latch::close);
            latch.start();
            await().atMost(PATIENCE).until(() -> latch.leadership().isPresent());
            registry.applySchedule(latch.leadership().get(), List.of(
                    ScheduleChange.assign("hello.service", m1, hello.hash().hex(), TargetState.LAUNCHED, "test"),
                    ScheduleChange.assign("loaded.service", m2, loaded.hash().hex(), TargetState.LOADED, "test")));
            registry.publishUnitState(p1, new UnitState("hello.service", m1, hello.hash().hex(), "loaded", "active", "running",
                    TargetState.LAUNCHED));
            registry.publishUnitState(p2, new UnitState("loaded.service", m2, loaded.hash().hex(), "loaded", "inactive", "dead",
                    TargetState.LOADED));
            registry.publishUnitState(p1, new UnitState("global.service", m1, global.hash().hex(), "loaded", "active", "running",
                    TargetState.LAUNCHED));
            registry.publishUnitState(p2, new UnitState("global.service", m2, global.hash().hex(), "loaded", "failed", "failed",
                    TargetState.LAUNCHED));
            registry.publishUnitState(p2, new UnitState("gone.service", m2, "0123", "not-found", "inactive", "dead", TargetState.INACTIVE));
            raw.put(config.keyPrefix() + "job/broken.service", "{\"hash\":\"x\"}");
            raw.put(config.keyPrefix() + "state/broken.service/" + m1, "not json");
        }

        private MachinePresence join(MachineState m, String host) {
            MachinePresence p = registry.join(m, host, Duration.ofSeconds(30));
            open.add(p::close);
            return p;
        }

        @Override
        public void close() throws Exception {
            for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
            registry.close();
        }
    }

    private static List<String> flags(String endpoints, String prefix, String... more) {
        List<String> flags = new ArrayList<>(List.of("--driver=etcd", "--endpoint=" + endpoints, "--etcd-key-prefix=" + prefix));
        flags.addAll(List.of(more));
        return flags;
    }

    @Test
    void overPlainHttpTheQuickPathPrintsWhatTheJetcdDriverPrints() throws Exception {
        try (EtcdServer etcd = EtcdServer.start();
             Cluster cluster = new Cluster(EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix(PREFIX).build(),
                     new EtcdGateway(etcd.endpoint()))) {
            Outcome units = quick(flags(etcd.endpoint(), PREFIX), "list-unit-files");
            assertTrue(units.out().contains("hello.service") && units.out().contains("global.service") && units.out().contains("broken"),
                    units.toString());
            sameBothWays(flags(etcd.endpoint(), PREFIX));
            // the first endpoint refuses connections: the next one answers, as with jetcd
            sameBothWays(flags("http://127.0.0.1:" + closedPort() + "," + etcd.endpoint(), PREFIX));
            // nothing under this prefix
            sameBothWays(flags(etcd.endpoint(), "/empty-quick-it/"));
            assertEquals("UNIT\tMACHINE\tACTIVE\tSUB\n", quick(flags(etcd.endpoint(), "/empty-quick-it/"), "list-units").out());
        }
    }

    @Test
    void anUnreachableEtcdFailsAlikeBothWays() throws IOException {
        List<String> flags = flags("http://127.0.0.1:" + closedPort(), PREFIX, "--request-timeout=2");
        for (String[] line : new String[][]{{"list-units"}, {"list-machines"}, {"list-unit-files"}}) {
            Outcome jetcd = jetcd(flags, line);
            assertEquals(1, jetcd.exit(), jetcd.toString());
            assertEquals(jetcd.toString(), quick(flags, line).toString());
        }
    }

    @Test
    void overTlsWithClientCertificatesTheQuickPathPrintsWhatTheJetcdDriverPrints() throws Exception {
        try (TestCertificates certs = TestCertificates.create();
             TestCertificates stranger = TestCertificates.create();
             EtcdServer etcd = EtcdServer.builder().tls(new EtcdTls(certs.caCert, certs.serverCert, certs.serverKey)).start();
             Cluster cluster = new Cluster(EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix(PREFIX).caFile(certs.caCert)
                     .certFile(certs.clientCert).keyFile(certs.clientKey).build(),
                     new EtcdGateway(etcd.endpoint(), new EtcdClientTls(certs.caCert, certs.clientCert, certs.clientKey)))) {
            String ca = "--ca-file=" + certs.caCert;
            List<String> tls = flags(etcd.endpoint(), PREFIX, ca, "--cert-file=" + certs.clientCert, "--key-file=" + certs.clientKey);
            assertTrue(quick(tls, "list-units").out().contains("global.service"));
            sameBothWays(tls);

            // a client certificate etcd's CA did not sign, and none at all: etcd refuses both, the same error both ways
            List<String> refused = flags(etcd.endpoint(), PREFIX, ca, "--cert-file=" + stranger.clientCert,
                    "--key-file=" + stranger.clientKey, "--request-timeout=2");
            List<String> none = flags(etcd.endpoint(), PREFIX, ca, "--request-timeout=2");
            for (List<String> f : List.of(refused, none)) {
                List<String> debug = new ArrayList<>(f);
                debug.add("--debug");
                assertTrue(quick(debug, "list-units").err().contains("asking through jetcd"), "the refusal is left to jetcd to word");
                Outcome jetcd = jetcd(f, "list-units");
                assertEquals(1, jetcd.exit(), jetcd.toString());
                Outcome quick = quick(f, "list-units");
                assertEquals(1, quick.exit(), quick.toString());
                assertEquals("", quick.out());
                // both are jetcd's words; what gRPC adds at the end varies from run to run for the same refusal
                // ("ssl exception (Received fatal alert: bad_certificate)" or "Network closed for unknown reason")
                String refusal = "Error retrieving list of units from repository: etcd at " + etcd.endpoint() + " failed (range): UNAVAILABLE ";
                assertTrue(jetcd.err().startsWith(refusal) && jetcd.err().lines().count() == 1, jetcd.toString());
                assertTrue(quick.err().startsWith(refusal) && quick.err().lines().count() == 1, quick.toString());
            }
        }
    }

    @Test
    void aListCommandLoadsNoJetcdGrpcOrNettyClass() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "fleetctl-quick-etcd-");
        try (EtcdServer etcd = EtcdServer.start();
             Cluster cluster = new Cluster(EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix(PREFIX).build(),
                     new EtcdGateway(etcd.endpoint()))) {
            List<String> flags = flags(etcd.endpoint(), PREFIX);
            for (String[] line : new String[][]{{"list-units"}, {"list-machines"}, {"list-unit-files"}}) {
                Path classes = dir.resolve(line[0] + ".classes");
                Outcome child = fleetctlProcess(classes, argv(flags, line));
                assertEquals(jetcd(flags, line).toString(), child.toString(), String.join(" ", line));
                String loaded = Files.readString(classes);
                assertTrue(loaded.contains("org.fleetj.fleetctl.client.etcd.EtcdListClient "), "the class log works");
                for (String lib : List.of("io.etcd.", "io.grpc.", "io.netty.", "io.vertx.", "com.google.protobuf.")) {
                    assertFalse(loaded.contains(" " + lib), line[0] + " loaded " + lib + "*");
                }
            }
            // the probe sees jetcd when it is used: a command off the quick path
            Path classes = dir.resolve("cat.classes");
            Outcome cat = fleetctlProcess(classes, argv(flags, "cat", "hello.service"));
            assertEquals(0, cat.exit(), cat.toString());
            assertTrue(Files.readString(classes).contains(" io.etcd.jetcd."), "cat goes through jetcd");
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** fleetctl in a JVM of its own, logging every class it loads to {@code classLog}. */
    private static Outcome fleetctlProcess(Path classLog, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog, "-cp", System.getProperty("java.class.path"), Fleetctl.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("FLEETCTL_"));
        Path out = Files.createTempFile(classLog.getParent(), "out", ".txt");
        Path err = Files.createTempFile(classLog.getParent(), "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(PATIENCE.toSeconds() * 4, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fleetctl " + args[args.length - 1] + " did not end");
        }
        return new Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A loopback port nobody listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
