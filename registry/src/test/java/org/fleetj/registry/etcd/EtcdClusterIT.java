package org.fleetj.registry.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.testkit.EtcdCluster;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * A 3-member etcd cluster loses one member (SIGKILL): the client fails over to the others; the presence and
 * the leadership survive (quorum keeps their leases); the watch delivers every write exactly once across the
 * failover.
 */
class EtcdClusterIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void losingOneOfThreeMembersIsSurvivedWithoutLosingAnything() {
        try (EtcdCluster cluster = EtcdCluster.start(3);
             EtcdRegistry registry = EtcdRegistry.open(EtcdConfig.builder().endpoints(cluster.endpoints()).keyPrefix("/cluster/")
                     .requestTimeout(Duration.ofSeconds(2)).build())) {
            MachinePresence presence = registry.join(new MachineState(EtcdWatchIT.machine(1), "10.0.0.1", Map.of(), "0.1.0"),
                    "host1", Duration.ofSeconds(6));
            LeaderLatch latch = registry.leaderLatch(EtcdWatchIT.machine(1), Duration.ofSeconds(6));
            latch.start();
            await().atMost(PATIENCE).until(() -> latch.leadership().isPresent());
            Leadership leadership = latch.leadership().orElseThrow();
            registry.jobs();
            List<String> seen = new CopyOnWriteArrayList<>();
            registry.watchEvents("job/", () -> { }, events -> {
                for (WatchEvent e : events) {
                    seen.add(EtcdKeys.text(e.getKeyValue().getKey()));
                }
            });

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String name = "before" + i + ".service";
                registry.createJob(name, RegistryTestData.service("/bin/" + name), TargetState.LAUNCHED);
                expected.add("/cluster/job/" + name);
            }
            cluster.member(0).crash();

            for (int i = 0; i < 5; i++) {
                String name = "after" + i + ".service";
                createRetryingWhileFailingOver(registry, name);
                expected.add("/cluster/job/" + name);
            }
            await().atMost(PATIENCE).until(() -> seen.size() >= expected.size());
            EtcdWatchIT.staysForTheDeliveryWindow("no write seen twice across the failover", () -> seen.size() == expected.size());
            assertEquals(expected, seen, "every write seen exactly once across the failover");
            assertEquals(10, registry.jobs().size());
            await().atMost(PATIENCE).until(presence::isAlive);
            assertEquals(1, registry.machines().size());
            assertEquals(leadership, latch.leadership().orElseThrow(), "the leadership survived");
            assertTrue(registry.engineLeader().isPresent());
        }
    }

    /** A request in flight to the killed member may fail; the client must get through on the others soon. */
    private static void createRetryingWhileFailingOver(EtcdRegistry registry, String name) {
        AtomicInteger attempts = new AtomicInteger();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            attempts.incrementAndGet();
            try {
                registry.createJob(name, RegistryTestData.service("/bin/" + name), TargetState.LAUNCHED);
                return true;
            } catch (org.fleetj.registry.UnitExistsException e) {
                return true; // an earlier attempt went through although its answer was lost
            } catch (RegistryException e) {
                return false;
            }
        });
    }
}
