package org.fleetj.registry.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.UnitState;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.testkit.EtcdTls;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * The registry against a secured etcd: TLS with client certificates (made with openssl for the test), and
 * username/password authentication with a role limited to the registry's key prefix. In both, every part
 * of the registry works (jobs, presence and unit states under a lease, election, watches); the wrong
 * credentials or a prefix outside the granted one fail with a message that says so.
 */
class EtcdSecurityIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    /** Uses every kind of request the registry makes. */
    private static void exerciseEverything(Registry registry) {
        AtomicInteger wakes = new AtomicInteger();
        registry.watchCluster(wakes::incrementAndGet);
        registry.createJob("a.service", RegistryTestData.service("/bin/a"), TargetState.LAUNCHED);
        MachinePresence p = registry.join(new MachineState(EtcdWatchIT.machine(1), "10.0.0.1", Map.of(), "0.1.0"), "host1",
                Duration.ofSeconds(3));
        registry.publishUnitState(p, new UnitState("a.service", EtcdWatchIT.machine(1), "h", "loaded", "active", "running",
                TargetState.LAUNCHED));
        LeaderLatch latch = registry.leaderLatch(EtcdWatchIT.machine(1), Duration.ofSeconds(3));
        latch.start();
        await().atMost(PATIENCE).until(() -> latch.leadership().isPresent());
        await().atMost(PATIENCE).until(() -> wakes.get() > 0);
        assertEquals(List.of("a.service"), registry.jobs().stream().map(j -> j.name()).toList());
        assertEquals(1, registry.unitStates().size());
        // keepalives (one per third of the 3 s lease) go through as well, and the presence stays alive
        await().atMost(PATIENCE).until(() -> registry.metrics().count("lease-keepalive") > 0);
        assertTrue(p.isAlive());
        latch.close();
        p.close();
        assertEquals(List.of(), registry.machines());
    }

    @Test
    void tlsWithClientCertificates() throws IOException {
        try (TestCertificates certs = TestCertificates.create();
             EtcdServer etcd = EtcdServer.builder().tls(new EtcdTls(certs.caCert, certs.serverCert, certs.serverKey)).start()) {
            assertTrue(etcd.endpoint().startsWith("https://"));
            EtcdConfig config = EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix("/tls/").requestTimeout(Duration.ofSeconds(2))
                    .caFile(certs.caCert).certFile(certs.clientCert).keyFile(certs.clientKey).build();
            try (EtcdRegistry registry = EtcdRegistry.open(config)) {
                exerciseEverything(registry);
            }
            // an independent TLS client sees what the registry wrote
            String value = Etcdctl.at(etcd.endpoint()).withTls(certs.caCert.toString(), certs.clientCert.toString(), certs.clientKey.toString())
                    .run("get", "/tls/job/a.service", "--print-value-only");
            assertTrue(value.contains("\"desiredState\":\"launched\""), value);

            // without a client certificate etcd refuses the connection
            EtcdConfig noCert = EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix("/tls/").requestTimeout(Duration.ofSeconds(2))
                    .caFile(certs.caCert).build();
            try (EtcdRegistry refused = EtcdRegistry.open(noCert)) {
                RegistryException e = assertThrows(RegistryException.class, refused::jobs);
                assertTrue(e.getMessage().contains(etcd.endpoint()), e.getMessage());
            }
        }
    }

    @Test
    void usernameAndPasswordWithARoleLimitedToThePrefix() {
        try (EtcdServer etcd = EtcdServer.start()) {
            Etcdctl ctl = Etcdctl.at(etcd.endpoint());
            ctl.run("user", "add", "root:root-secret");
            ctl.run("role", "add", "fleet");
            ctl.run("role", "grant-permission", "fleet", "--prefix=true", "readwrite", "/secure/");
            ctl.run("user", "add", "fleet:fleet-secret");
            ctl.run("user", "grant-role", "fleet", "fleet");
            ctl.run("auth", "enable");

            EtcdConfig.Builder base = EtcdConfig.builder().endpoints(etcd.endpoint()).requestTimeout(Duration.ofSeconds(2));
            try (EtcdRegistry registry = EtcdRegistry.open(base.keyPrefix("/secure/").username("fleet").password("fleet-secret").build())) {
                exerciseEverything(registry);
            }
            String value = ctl.withUser("root", "root-secret").run("get", "/secure/job/a.service", "--print-value-only");
            assertTrue(value.contains("\"desiredState\":\"launched\""), value);

            try (EtcdRegistry wrong = EtcdRegistry.open(EtcdConfig.builder().endpoints(etcd.endpoint()).requestTimeout(Duration.ofSeconds(2))
                    .keyPrefix("/secure/").username("fleet").password("not-the-password").build())) {
                RegistryException e = assertThrows(RegistryException.class, wrong::jobs);
                assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
            }
            try (EtcdRegistry outside = EtcdRegistry.open(EtcdConfig.builder().endpoints(etcd.endpoint()).requestTimeout(Duration.ofSeconds(2))
                    .keyPrefix("/elsewhere/").username("fleet").password("fleet-secret").build())) {
                RegistryException e = assertThrows(RegistryException.class,
                        () -> outside.createJob("a.service", RegistryTestData.service("/bin/a"), TargetState.LAUNCHED));
                assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
            }
        }
    }
}
