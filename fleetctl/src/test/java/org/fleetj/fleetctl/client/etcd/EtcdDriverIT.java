package org.fleetj.fleetctl.client.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fleetj.fleetctl.DriverClientFactory;
import org.fleetj.fleetctl.Fleetctl;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.api.TlsFiles;
import org.fleetj.registry.Job;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/** fleetctl --driver=etcd on a real etcd: the real command line, writing through the etcd registry. */
class EtcdDriverIT {

    private record Run(int code, String out, String err) {
    }

    private static Run fleetctl(String endpoint, String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "--driver=etcd";
        argv[1] = "--endpoint=" + endpoint;
        argv[2] = "--etcd-key-prefix=/fleetctl-it/";
        System.arraycopy(args, 0, argv, 3, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Fleetctl.run(argv, Map.of(), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new DriverClientFactory());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void submitListAndDestroyThroughEtcd() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "fleetctl-etcd-it-");
        try (EtcdServer etcd = EtcdServer.start()) {
            Path unit = dir.resolve("hello.service");
            Files.writeString(unit, "[Unit]\nDescription=hello\n\n[Service]\nExecStart=/bin/sleep 1000\n");

            Run submit = fleetctl(etcd.endpoint(), "submit", unit.toString());
            assertEquals(0, submit.code(), submit.err());

            try (EtcdRegistry witness = EtcdRegistry.open(EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix("/fleetctl-it/").build())) {
                List<Job> jobs = witness.jobs();
                assertEquals(List.of("hello.service"), jobs.stream().map(Job::name).toList());
                assertEquals(TargetState.INACTIVE, jobs.get(0).desiredState());
            }
            Run files = fleetctl(etcd.endpoint(), "list-unit-files", "--no-legend");
            assertEquals(0, files.code(), files.err());
            assertTrue(files.out().contains("hello.service") && files.out().contains("inactive"), files.out());
            Run cat = fleetctl(etcd.endpoint(), "cat", "hello.service");
            assertEquals(0, cat.code(), cat.err());
            assertTrue(cat.out().contains("ExecStart=/bin/sleep 1000"), cat.out());

            Run destroy = fleetctl(etcd.endpoint(), "destroy", "hello.service");
            assertEquals(0, destroy.code(), destroy.err());
            assertEquals("", fleetctl(etcd.endpoint(), "list-unit-files", "--no-legend").out().strip());
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void anUnreachableEtcdIsAnErrorNamingIt() {
        try (EtcdServer etcd = EtcdServer.start()) {
            String endpoint = etcd.endpoint();
            etcd.shutdown();
            Run r = fleetctl(endpoint, "list-machines");
            assertNotEquals(0, r.code());
            assertTrue(r.err().contains(endpoint), r.err());
        }
    }

    @Test
    void badSettingsAreRefusedWithAClearMessage() {
        FleetClientException unix = assertThrows(FleetClientException.class,
                () -> EtcdDriver.open("unix:///var/run/fleet.sock", "/fleet/", new TlsFiles("", "", ""), 1000, null));
        assertTrue(unix.getMessage().contains("unix:///var/run/fleet.sock") && unix.getMessage().contains("http://"), unix.getMessage());
    }
}
