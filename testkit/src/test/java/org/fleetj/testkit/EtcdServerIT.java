package org.fleetj.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Real etcd (Debian's etcd-server): start, put/get, outage controls, cleanup. */
class EtcdServerIT {

    @Test
    void storesKeysThatAnIndependentClientReadsBack() {
        try (EtcdServer etcd = EtcdServer.start()) {
            EtcdGateway gw = new EtcdGateway(etcd.endpoint());
            gw.put("/testkit/a", "alpha");
            gw.put("/testkit/b", "beta ü");
            gw.put("/other/c", "gamma");

            assertEquals(Optional.of("alpha"), gw.get("/testkit/a"));
            assertEquals(Optional.of("beta ü"), gw.get("/testkit/b"));
            assertEquals(Optional.empty(), gw.get("/testkit/missing"));
            assertEquals(2, gw.countPrefix("/testkit/"));
            // etcdctl shares no code with the gateway client: it sees the same value
            CommandResult ctl = CommandRunner.run(List.of("etcdctl", "--endpoints=" + etcd.endpoint(), "get", "/testkit/a", "--print-value-only"),
                    Duration.ofSeconds(10)).requireSuccess();
            assertEquals("alpha", ctl.trimmed());
        }
    }

    @Test
    void shutdownRefusesClientsAndRestartKeepsDataAndPorts() {
        try (EtcdServer etcd = EtcdServer.start()) {
            EtcdGateway gw = new EtcdGateway(etcd.endpoint());
            gw.put("/testkit/kept", "yes");
            String endpoint = etcd.endpoint();

            etcd.shutdown();
            assertFalse(etcd.isRunning());
            assertFalse(etcd.isHealthy(Duration.ofMillis(500)));
            assertThrows(EtcdServerException.class, () -> gw.put("/testkit/during-outage", "no"));

            etcd.restart();
            assertEquals(endpoint, etcd.endpoint());
            assertTrue(etcd.isHealthy(Duration.ofSeconds(2)));
            assertEquals(Optional.of("yes"), gw.get("/testkit/kept"));
        }
    }

    @Test
    void crashThenRestartKeepsData() {
        try (EtcdServer etcd = EtcdServer.start()) {
            EtcdGateway gw = new EtcdGateway(etcd.endpoint());
            gw.put("/testkit/durable", "1");
            etcd.crash();
            assertFalse(etcd.isRunning());
            etcd.restart();
            assertEquals(Optional.of("1"), gw.get("/testkit/durable"));
        }
    }

    @Test
    void pauseHangsClientsUntilResumed() {
        try (EtcdServer etcd = EtcdServer.start()) {
            etcd.pause();
            assertTrue(etcd.isRunning(), "a paused etcd is still a live process");
            assertFalse(etcd.isHealthy(Duration.ofMillis(500)), "a paused etcd must not answer");

            etcd.resume();
            assertTrue(etcd.isHealthy(Duration.ofSeconds(2)));
            new EtcdGateway(etcd.endpoint()).put("/testkit/after-pause", "ok");
        }
    }

    @Test
    void closeStopsTheProcessAndDeletesItsFiles() {
        EtcdServer etcd = EtcdServer.start();
        long pid = etcd.pid();
        assertTrue(Files.isDirectory(etcd.dataDir()));
        assertTrue(etcd.dataDir().startsWith("/var/tmp"), "scratch data must stay out of /tmp: " + etcd.dataDir());

        etcd.close();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "etcd pid " + pid + " still alive");
        assertFalse(Files.exists(etcd.dataDir().getParent()));
        assertThrows(EtcdServerException.class, etcd::restart);
        etcd.close();   // idempotent
    }

    @Test
    void endpointOnRejectsAddressesItDoesNotListenOn() {
        try (EtcdServer etcd = EtcdServer.start()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> etcd.endpointOn("10.1.2.3"));
            assertTrue(e.getMessage().contains("10.1.2.3"));
        }
    }
}
