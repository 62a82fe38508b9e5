package org.fleetj.registry.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.Job;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * Two fleets in one etcd under different key prefixes never see each other: not their jobs, machines,
 * schedules, states or leaders, and not their changes through watches. One prefix is the other plus a
 * suffix ({@code /iso/} and {@code /iso-b/}), the case a naive prefix match gets wrong.
 */
class EtcdPrefixIsolationIT {
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Test
    void twoPrefixesInOneEtcdNeverSeeEachOther() {
        try (EtcdServer etcd = EtcdServer.start();
             EtcdRegistry a = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), "/iso")); // normalised to /iso/
             EtcdRegistry b = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), "/iso-b/"))) {
            assertEquals("/iso/", a.config().keyPrefix());
            AtomicInteger aWakes = new AtomicInteger();
            AtomicInteger aScheduleWakes = new AtomicInteger();
            a.watchCluster(aWakes::incrementAndGet);
            a.watchSchedule(EtcdWatchIT.machine(1), aScheduleWakes::incrementAndGet);

            // fleet B: the same names, other content, its own leader and schedule
            b.createJob("web.service", RegistryTestData.service("/bin/web-b"), TargetState.LAUNCHED);
            b.join(new MachineState(EtcdWatchIT.machine(1), "10.0.0.2", Map.of(), "0.1.0"), "b-host", Duration.ofSeconds(3));
            LeaderLatch bLeader = b.leaderLatch(EtcdWatchIT.machine(1), Duration.ofSeconds(3));
            bLeader.start();
            await().atMost(PATIENCE).until(() -> bLeader.leadership().isPresent());
            b.applySchedule(bLeader.leadership().orElseThrow(), List.of(ScheduleChange.assign("web.service", EtcdWatchIT.machine(1),
                    RegistryTestData.service("/bin/web-b").hash().hex(), TargetState.LAUNCHED, "b")));
            b.setMachineMetadata(EtcdWatchIT.machine(1), "fleet", "b");
            EtcdWatchIT.staysForTheDeliveryWindow("A's watches hear nothing of B", () -> aWakes.get() == 0 && aScheduleWakes.get() == 0);
            assertEquals(List.of(), a.jobs());
            assertEquals(List.of(), a.machines());
            assertEquals(Map.of(), a.schedule());
            assertEquals(Map.of(), a.machineMetadata());
            assertEquals(Optional.empty(), a.engineLeader());

            // fleet A: a duplicate machine id across fleets is no duplicate; A elects its own leader
            a.createJob("web.service", RegistryTestData.service("/bin/web-a"), TargetState.LOADED);
            a.join(new MachineState(EtcdWatchIT.machine(1), "10.0.0.1", Map.of(), "0.1.0"), "a-host", Duration.ofSeconds(3));
            LeaderLatch aLeader = a.leaderLatch(EtcdWatchIT.machine(1), Duration.ofSeconds(3));
            aLeader.start();
            await().atMost(PATIENCE).until(() -> aLeader.leadership().isPresent());
            await().atMost(PATIENCE).until(() -> aWakes.get() > 0);

            Job aJob = a.jobs().get(0);
            Job bJob = b.jobs().get(0);
            assertEquals(RegistryTestData.service("/bin/web-a"), aJob.unit());
            assertEquals(Optional.empty(), aJob.targetMachine());
            assertEquals(RegistryTestData.service("/bin/web-b"), bJob.unit());
            assertEquals(Optional.of(EtcdWatchIT.machine(1)), bJob.targetMachine());
            assertEquals("10.0.0.1", a.machines().get(0).publicIp());
            assertEquals("10.0.0.2", b.machines().get(0).publicIp());
            assertEquals(Map.of("fleet", "b"), b.machines().get(0).metadata());
            assertEquals(Map.of(), a.machines().get(0).metadata());
            assertTrue(a.schedule().isEmpty());
            assertEquals(0, aScheduleWakes.get());
        }
    }
}
