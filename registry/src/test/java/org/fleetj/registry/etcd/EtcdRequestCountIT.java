package org.fleetj.registry.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.UnitState;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/**
 * The registry's reads of a sizeable cluster are a few requests each, never one per key: this test counts
 * them (deterministic), and prints how long they took as {@code name=value} figures for the benchmark record.
 * Size: {@code -Dfleet.bench.units} units (default 1000) on {@code -Dfleet.bench.machines} machines (default 100).
 */
class EtcdRequestCountIT {
    private static final int UNITS = Integer.getInteger("fleet.bench.units", 1000);
    private static final int MACHINES = Integer.getInteger("fleet.bench.machines", 100);

    @Test
    void collectionReadsAreAFewRequestsAndBigScheduleChangesAFewTransactions() throws Exception {
        try (EtcdServer etcd = EtcdServer.start();
             EtcdRegistry registry = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), "/fleet/"))) {
            long t0 = System.nanoTime();
            List<MachinePresence> presences = new ArrayList<>();
            for (int m = 0; m < MACHINES; m++) {
                presences.add(registry.join(new MachineState(EtcdWatchIT.machine(m), "10.0." + (m / 250) + "." + (m % 250), Map.of("n", "" + m), "0.1.0"),
                        "host" + m, Duration.ofSeconds(60)));
            }
            List<UnitFile> files = new ArrayList<>();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int u = 0; u < UNITS; u++) {
                    UnitFile f = RegistryTestData.service("/bin/unit-" + u);
                    files.add(f);
                    String name = String.format("u%05d.service", u);
                    done.add(writers.submit(() -> registry.createJob(name, f, TargetState.LAUNCHED)));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                figure("registry_create_jobs_ms", t0);

                LeaderLatch latch = registry.leaderLatch(EtcdWatchIT.machine(0), Duration.ofSeconds(10));
                latch.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> latch.leadership().isPresent());
                Leadership leader = latch.leadership().orElseThrow();
                List<ScheduleChange> changes = new ArrayList<>();
                for (int u = 0; u < UNITS; u++) {
                    changes.add(ScheduleChange.assign(String.format("u%05d.service", u), EtcdWatchIT.machine(u % MACHINES),
                            files.get(u).hash().hex(), TargetState.LAUNCHED, "bench"));
                }
                long txns = registry.metrics().count("txn");
                long t1 = System.nanoTime();
                registry.applySchedule(leader, changes);
                figure("registry_apply_schedule_ms", t1);
                assertEquals((UNITS + EtcdKv.MAX_TXN_OPS - 1) / EtcdKv.MAX_TXN_OPS, registry.metrics().count("txn") - txns);

                done.clear();
                for (int u = 0; u < UNITS; u++) {
                    MachinePresence p = presences.get(u % MACHINES);
                    UnitState s = new UnitState(String.format("u%05d.service", u), p.machineId(), files.get(u).hash().hex(),
                            "loaded", "active", "running", TargetState.LAUNCHED);
                    done.add(writers.submit(() -> registry.publishUnitState(p, s)));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                latch.close();
            } finally {
                writers.shutdownNow();
            }

            // a fresh client (fleetctl) knows no unit body yet: jobs and schedule in one request, all bodies in one more
            try (EtcdRegistry fresh = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), "/fleet/"))) {
                assertEquals(UNITS, requests(fresh, "jobs_cold", 2, fresh::jobs).size());
                assertEquals(UNITS, requests(fresh, "jobs_warm", 1, fresh::jobs).size());
            }
            assertEquals(UNITS, requests(registry, "jobs", 1, registry::jobs).size());
            assertEquals(MACHINES, requests(registry, "schedule", 1, registry::schedule).size());
            assertEquals(UNITS / MACHINES, requests(registry, "schedule_of", 1, () -> registry.scheduleOf(EtcdWatchIT.machine(3))).size());
            assertEquals(UNITS, requests(registry, "unit_states", 1, registry::unitStates).size());
            assertEquals(MACHINES, requests(registry, "machines", 1, registry::machines).size());
            assertEquals(0, requests(registry, "global_jobs", 1, registry::globalJobs).size());
            System.out.println("registry_bench_units=" + UNITS);
            System.out.println("registry_bench_machines=" + MACHINES);
        }
    }

    /** Runs a read, checks how many requests it made, and prints how long it took. */
    private static <T> T requests(EtcdRegistry registry, String name, long expected, Supplier<T> read) {
        long before = registry.metrics().totalCount() - registry.metrics().count("lease-keepalive");
        long start = System.nanoTime();
        T result = read.get();
        figure("registry_" + name + "_ms", start);
        long made = registry.metrics().totalCount() - registry.metrics().count("lease-keepalive") - before;
        assertEquals(expected, made, name + ": requests made (" + registry.metrics().snapshot().keySet() + ")");
        System.out.println("registry_" + name + "_requests=" + made);
        return result;
    }

    private static void figure(String name, long startNanos) {
        System.out.printf("%s=%.1f%n", name, (System.nanoTime() - startNanos) / 1e6);
    }
}
