package org.fleetj.registry.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.RegistryUnavailableException;
import org.fleetj.registry.UnitState;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence and start-up against a real etcd that misbehaves: an outage longer than the lease ends with the
 * machine announced again under a new lease; a registry opened while etcd is down does not wait for it and
 * recovers by itself (watch, election, joining) once etcd is up.
 */
class EtcdPresenceIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    /** An etcd outage this long outlives the tests' 2 s presence lease (etcd counts whole seconds). */
    private static final Duration OUTAGE_LONGER_THAN_THE_LEASE = Duration.ofMillis(3500);
    /** The election's Backoff starts at 250 ms: within this window a candidate tries several times. */
    private static final Duration SEVERAL_ELECTION_RETRIES = Duration.ofSeconds(1);
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static EtcdServer etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static String prefix() {
        return "/presence-" + TESTS.incrementAndGet() + "/";
    }

    @Test
    void anOutageLongerThanTheLeaseEndsWithTheMachineAnnouncedAgain() {
        try (EtcdRegistry registry = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix()))) {
            MachineState self = new MachineState(EtcdWatchIT.machine(1), "10.0.0.1", Map.of("role", "web"), "0.1.0");
            MachinePresence p = registry.join(self, "host1", Duration.ofSeconds(2));
            RegistryTestData.PresenceEvents events = new RegistryTestData.PresenceEvents();
            p.addListener(events);
            registry.publishUnitState(p, new UnitState("a.service", self.id(), "h", "loaded", "active", "running", TargetState.LAUNCHED));
            long leaseBefore = registry.leaseId(p);

            etcd.pause();
            try {
                await().atMost(PATIENCE).until(() -> events.events.contains("suspended"));
                // the outage lasts well past the 2 s lease, by etcd's clock too; the machine stays suspended throughout
                await("suspended throughout an outage longer than the lease").during(OUTAGE_LONGER_THAN_THE_LEASE)
                        .atMost(OUTAGE_LONGER_THAN_THE_LEASE.plus(PATIENCE)).until(() -> !p.isAlive());
            } finally {
                etcd.resume();
            }

            await().atMost(PATIENCE).until(() -> events.events.contains("rejoined"));
            assertEquals(List.of("suspended", "rejoined"), events.events);
            assertTrue(p.isAlive());
            assertNotEquals(leaseBefore, registry.leaseId(p), "announced under a new lease");
            assertEquals(List.of(self), registry.machines());
            assertEquals(List.of(), registry.unitStates(), "unit states went with the old lease");
        }
    }

    @Test
    void aRegistryOpenedWhileEtcdIsDownDoesNotWaitAndRecoversByItself() {
        String prefix = prefix();
        etcd.shutdown();
        EtcdRegistry registry;
        LeaderLatch latch;
        AtomicInteger wakes = new AtomicInteger();
        try {
            long start = System.nanoTime();
            registry = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "open() must not wait for etcd");
            assertThrows(RegistryUnavailableException.class, registry::jobs);
            assertThrows(RegistryUnavailableException.class,
                    () -> registry.join(new MachineState(EtcdWatchIT.machine(1), "", Map.of(), "0.1.0"), "host1", Duration.ofSeconds(2)));
            registry.watchCluster(wakes::incrementAndGet);
            latch = registry.leaderLatch(EtcdWatchIT.machine(1), Duration.ofSeconds(3));
            latch.start();
            await("no leadership while etcd is down").during(SEVERAL_ELECTION_RETRIES)
                    .atMost(SEVERAL_ELECTION_RETRIES.plus(PATIENCE)).until(() -> latch.leadership().isEmpty());
        } finally {
            etcd.restart();
        }
        try (registry) {
            await().atMost(PATIENCE).until(() -> latch.leadership().isPresent());
            await().atMost(PATIENCE).until(() -> wakes.get() > 0);
            MachinePresence p = registry.join(new MachineState(EtcdWatchIT.machine(1), "", Map.of(), "0.1.0"), "host1", Duration.ofSeconds(2));
            assertTrue(p.isAlive());
            int before = wakes.get();
            registry.createJob("a.service", RegistryTestData.service("/bin/a"), TargetState.LAUNCHED);
            await().atMost(PATIENCE).until(() -> wakes.get() > before);
            assertEquals(1, registry.jobs().size());
        }
    }
}
