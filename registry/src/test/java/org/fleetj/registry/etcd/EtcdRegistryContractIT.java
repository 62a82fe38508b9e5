package org.fleetj.registry.etcd;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryContract;
import org.fleetj.testkit.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The registry contract on a real etcd (one per class, a fresh key prefix per test), with two independent
 * clients as two fleetds would have. A crash abandons keepalives without revoking; a lost lease is revoked
 * through etcdctl; an outage freezes etcd (SIGSTOP: connections hang, nothing answers).
 */
class EtcdRegistryContractIT extends RegistryContract {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static EtcdServer etcd;

    private EtcdRegistry registry;
    private EtcdRegistry other;
    private boolean paused;

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

    /**
     * Requests time out after 2 s: long enough for the first request of a JVM (jetcd, gRPC and Netty load and
     * connect: over 1 s on a busy machine), short enough for outages to show fast.
     */
    static EtcdConfig config(String endpoints, String prefix) {
        return EtcdConfig.builder().endpoints(endpoints).keyPrefix(prefix).requestTimeout(Duration.ofSeconds(2)).build();
    }

    @BeforeEach
    void openClients() {
        String prefix = "/contract-" + TESTS.incrementAndGet() + "/";
        registry = EtcdRegistry.open(config(etcd.endpoint(), prefix));
        other = EtcdRegistry.open(config(etcd.endpoint(), prefix));
    }

    @AfterEach
    void closeClients() {
        if (paused) {
            endOutage();
        }
        registry.close();
        other.close();
    }

    @Override
    public Registry registry() {
        return registry;
    }

    @Override
    public Registry otherClient() {
        return other;
    }

    @Override
    public void crash(Registry client, MachinePresence presence) {
        ((EtcdRegistry) client).crash(presence);
    }

    @Override
    public void crash(Registry client, LeaderLatch latch) {
        ((EtcdRegistry) client).crash(latch);
    }

    @Override
    public void loseLease(MachinePresence presence) {
        long lease;
        try {
            lease = registry.leaseId(presence);
        } catch (IllegalArgumentException notOurs) {
            lease = other.leaseId(presence);
        }
        Etcdctl.at(etcd.endpoint()).revokeLease(lease);
    }

    @Override
    public void startOutage() {
        etcd.pause();
        paused = true;
    }

    @Override
    public void endOutage() {
        etcd.resume();
        paused = false;
    }
}
