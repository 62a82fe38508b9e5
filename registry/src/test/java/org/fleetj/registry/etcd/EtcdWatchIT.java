package org.fleetj.registry.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.Subscription;
import org.fleetj.testkit.EtcdGateway;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Watches on a real etcd: resuming after an etcd restart and after a long disconnection delivers every event
 * exactly once; a compacted revision wakes the callback once and the watch goes on from the current
 * revision; a schedule decision wakes only the agent of its machine. Writes come through etcd's JSON gateway,
 * a client sharing no code with jetcd.
 */
class EtcdWatchIT {
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    /**
     * A watch event reaches its callback within this when nothing is wrong (one gRPC message from a local etcd
     * plus the watch loop's hop); "nothing (more) arrives" is checked over this window.
     */
    private static final Duration WATCH_DELIVERY_WINDOW = Duration.ofMillis(500);
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static EtcdServer etcd;

    private String prefix;
    private EtcdRegistry registry;
    private EtcdGateway writer;

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

    @BeforeEach
    void open() {
        prefix = "/watch-" + TESTS.incrementAndGet() + "/";
        registry = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix));
        writer = new EtcdGateway(etcd.endpoint());
    }

    @AfterEach
    void close() {
        registry.close();
        if (!etcd.isRunning()) {
            etcd.restart();
        }
    }

    /** Records every event the watch hands over, in order. */
    private static final class Recorder implements ResumableWatch.EventSink {
        final List<String> keys = new CopyOnWriteArrayList<>();
        final List<Long> revisions = new CopyOnWriteArrayList<>();

        @Override
        public void events(List<WatchEvent> events) {
            for (WatchEvent e : events) {
                keys.add(EtcdKeys.text(e.getKeyValue().getKey()));
                revisions.add(e.getKeyValue().getModRevision());
            }
        }

        void assertExactlyOnceInOrder(List<String> expected) {
            assertEquals(expected, keys, "every event exactly once, in order");
            for (int i = 1; i < revisions.size(); i++) {
                assertTrue(revisions.get(i) > revisions.get(i - 1), "revisions strictly increase: " + revisions);
            }
        }
    }

    private List<String> keys(String section, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + section + "/k" + String.format("%03d", i)).toList();
    }

    private void write(List<String> keys) {
        keys.forEach(k -> writer.put(k, "v"));
    }

    @Test
    void aWatchResumesAfterAnEtcdRestartWithoutMissingOrRepeatingEvents() {
        registry.jobs(); // a client that has read something watches from just after it
        Recorder recorder = new Recorder();
        AtomicInteger wakes = new AtomicInteger();
        registry.watchEvents("w/", wakes::incrementAndGet, recorder);
        List<String> before = keys("w", 1, 10);
        write(before);
        await().atMost(PATIENCE).until(() -> recorder.keys.size() == 10);

        etcd.shutdown();
        etcd.restart();
        // written at once: most likely before the watch is back, so they must come from its resume
        List<String> after = keys("w", 11, 20);
        write(after);

        await().atMost(PATIENCE).until(() -> recorder.keys.size() >= 20);
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        staysForTheDeliveryWindow("no event delivered twice", () -> recorder.keys.size() == 20);
        recorder.assertExactlyOnceInOrder(all);
        assertTrue(registry.metrics().count("watch") >= 2, "the watch was created again: " + registry.metrics().snapshot());
    }

    @Test
    void aLongDisconnectionIsMadeUpForExactlyOnce() {
        registry.jobs();
        Recorder recorder = new Recorder();
        AtomicInteger wakes = new AtomicInteger();
        ResumableWatch watch = registry.watchEvents("w/", wakes::incrementAndGet, recorder);
        write(keys("w", 1, 3));
        await().atMost(PATIENCE).until(() -> recorder.keys.size() == 3);

        watch.hold();
        watch.lastRevisionForTest(); // runs after hold() on the watch loop: the stream is closed now
        write(keys("w", 4, 8));
        writer.put(prefix + "elsewhere/x", "not watched");
        staysForTheDeliveryWindow("nothing arrives while disconnected", () -> recorder.keys.size() == 3);
        int wakesBefore = wakes.get();
        watch.release();

        await().atMost(PATIENCE).until(() -> recorder.keys.size() >= 8);
        staysForTheDeliveryWindow("no event delivered twice", () -> recorder.keys.size() == 8);
        recorder.assertExactlyOnceInOrder(keys("w", 1, 8));
        assertTrue(wakes.get() > wakesBefore);
    }

    @Test
    void aCompactedRevisionWakesOnceThenTheWatchGoesOnFromTheCurrentRevision() {
        registry.jobs();
        Recorder recorder = new Recorder();
        AtomicInteger wakes = new AtomicInteger();
        ResumableWatch watch = registry.watchEvents("w/", wakes::incrementAndGet, recorder);
        write(keys("w", 1, 2));
        await().atMost(PATIENCE).until(() -> recorder.keys.size() == 2);
        long seen = watch.lastRevisionForTest();

        watch.hold();
        watch.lastRevisionForTest(); // runs after hold() on the watch loop: the stream is closed now
        write(keys("w", 3, 6));
        Etcdctl ctl = Etcdctl.at(etcd.endpoint());
        long now = ctl.revision();
        assertTrue(now > seen + 1);
        ctl.run("compact", Long.toString(now));
        int wakesBefore = wakes.get();
        staysForTheDeliveryWindow("a held watch is not woken", () -> wakes.get() == wakesBefore);

        watch.release();
        // the missed events are gone: one wake-up ("re-read"), no events, and the watch continues from now
        await().atMost(PATIENCE).until(() -> wakes.get() > wakesBefore);
        staysForTheDeliveryWindow("exactly one wake-up for the compaction", () -> wakes.get() == wakesBefore + 1);
        assertEquals(keys("w", 1, 2), recorder.keys);
        assertTrue(watch.lastRevisionForTest() >= now, "resumed from the current revision");

        write(keys("w", 7, 7));
        await().atMost(PATIENCE).until(() -> recorder.keys.size() == 3);
        assertEquals(keys("w", 7, 7).get(0), recorder.keys.get(2));
        assertTrue(wakes.get() >= wakesBefore + 2);
    }

    @Test
    void aScheduleDecisionWakesOnlyTheAgentOfItsMachine() {
        int machines = 20;
        List<AtomicInteger> wakes = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < machines; i++) {
            AtomicInteger w = new AtomicInteger();
            wakes.add(w);
            subs.add(registry.watchSchedule(machine(i), w::incrementAndGet));
        }
        LeaderLatch latch = registry.leaderLatch(machine(99), Duration.ofSeconds(5));
        latch.start();
        await().atMost(PATIENCE).until(() -> latch.leadership().isPresent());
        Leadership leader = latch.leadership().orElseThrow();
        registry.createJob("a.service", RegistryTestData.service("/bin/a"), TargetState.LAUNCHED);
        staysForTheDeliveryWindow("no schedule change yet, no agent woken", () -> wakes.stream().allMatch(w -> w.get() == 0));

        registry.applySchedule(leader, List.of(ScheduleChange.assign("a.service", machine(7),
                RegistryTestData.service("/bin/a").hash().hex(), TargetState.LAUNCHED, "test")));
        await().atMost(PATIENCE).until(() -> wakes.get(7).get() == 1);
        staysForTheDeliveryWindow("only machine 7 woken, once", () -> {
            for (int i = 0; i < machines; i++) {
                if (wakes.get(i).get() != (i == 7 ? 1 : 0)) {
                    return false;
                }
            }
            return true;
        });
        subs.forEach(Subscription::close);
        latch.close();
    }

    static String machine(int n) {
        return String.format("%032x", n);
    }

    /** {@code condition} holds throughout the watch delivery window (a late or repeated event would break it). */
    static void staysForTheDeliveryWindow(String what, java.util.concurrent.Callable<Boolean> condition) {
        await(what).during(WATCH_DELIVERY_WINDOW).atMost(WATCH_DELIVERY_WINDOW.plus(PATIENCE)).until(condition);
    }
}
