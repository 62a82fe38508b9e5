package org.fleetj.fleetd.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery logic alone, with a map standing in for systemd's ListUnitsByNames (the real thing is
 * exercised in DbusSystemdManagerIT).
 */
class UnitStatusTrackerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Map<String, SystemdUnitStatus> systemd = new ConcurrentHashMap<>();
    private final List<Collection<String>> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final BlockingQueue<SystemdUnitStatus> delivered = new LinkedBlockingQueue<>();
    private final UnitStatusTracker tracker = new UnitStatusTracker(this::read, "test-tracker");

    private Map<String, SystemdUnitStatus> read(Collection<String> names) {
        reads.add(List.copyOf(names));
        if (failuresLeft.getAndDecrement() > 0) {
            throw new SystemdException("simulated failure");
        }
        Map<String, SystemdUnitStatus> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, systemd.getOrDefault(n, SystemdUnitStatus.notFound(n)));
        }
        return out;
    }

    @AfterEach
    void close() {
        tracker.close();
    }

    private void set(String name, String load, String active, String sub) {
        systemd.put(name, new SystemdUnitStatus(name, load, active, sub));
    }

    private SystemdUnitStatus next() throws InterruptedException {
        SystemdUnitStatus s = delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) {
            throw new AssertionError("no status delivered within " + WAIT);
        }
        return s;
    }

    private void assertNothingMoreWithin(long millis) throws InterruptedException {
        SystemdUnitStatus s = delivered.poll(millis, TimeUnit.MILLISECONDS);
        assertEquals(null, s, "unexpected delivery");
    }

    @Test
    void newlyWatchedUnitsAreDeliveredOnce() throws InterruptedException {
        tracker.addListener(delivered::add);
        set("a.service", "loaded", "active", "running");
        tracker.watch(List.of("a.service", "b.service"));

        List<SystemdUnitStatus> got = new ArrayList<>(List.of(next(), next()));
        got.sort(java.util.Comparator.comparing(SystemdUnitStatus::name));
        assertEquals("a.service loaded/active/running", got.get(0).toString());
        assertEquals("b.service not-found/inactive/dead", got.get(1).toString());

        tracker.watch(List.of("a.service", "b.service"));
        assertNothingMoreWithin(200);
    }

    @Test
    void hintsDeliverOnlyRealChangesOfWatchedUnits() throws InterruptedException {
        tracker.addListener(delivered::add);
        set("a.service", "loaded", "inactive", "dead");
        tracker.watch(List.of("a.service"));
        assertEquals("a.service loaded/inactive/dead", next().toString());

        tracker.hintName("a.service"); // nothing changed
        tracker.hintName("other.service"); // not watched
        assertNothingMoreWithin(200);

        set("a.service", "loaded", "activating", "start-pre");
        tracker.hintObjectPath(UnitNames.objectPath("a.service"));
        assertEquals("a.service loaded/activating/start-pre", next().toString());

        set("a.service", "loaded", "active", "running");
        tracker.hintName("a.service");
        assertEquals("a.service loaded/active/running", next().toString());

        set("other.service", "loaded", "failed", "failed");
        tracker.hintObjectPath(UnitNames.objectPath("other.service"));
        tracker.hintAll();
        assertNothingMoreWithin(200);
    }

    @Test
    void aUnitWhoseJobEndedIsDeliveredEvenWithTheSameStates() throws InterruptedException {
        tracker.addListener(delivered::add);
        set("job.service", "loaded", "inactive", "dead");
        tracker.watch(List.of("job.service"));
        assertEquals("job.service loaded/inactive/dead", next().toString());

        // a quick oneshot ran and ended between two reads: inactive/dead again, and still news
        tracker.hintJobEnded("job.service");
        assertEquals("job.service loaded/inactive/dead", next().toString());
        tracker.hintName("job.service"); // an ordinary hint with nothing changed stays quiet
        tracker.hintJobEnded("other.service"); // not watched
        assertNothingMoreWithin(200);
    }

    @Test
    void hintAllRereadsEveryWatchedUnitInOneCall() throws InterruptedException {
        tracker.addListener(delivered::add);
        tracker.watch(List.of("a.service", "b.service", "c.service"));
        for (int i = 0; i < 3; i++) {
            next();
        }
        reads.clear();
        set("b.service", "loaded", "active", "running");
        tracker.hintAll();
        assertEquals("b.service loaded/active/running", next().toString());
        assertEquals(1, reads.size(), "one batched read: " + reads);
        assertEquals(3, reads.get(0).size());
    }

    @Test
    void aFailedReadIsRetried() throws InterruptedException {
        tracker.addListener(delivered::add);
        failuresLeft.set(2);
        set("a.service", "loaded", "failed", "failed");
        tracker.watch(List.of("a.service"));
        assertEquals("a.service loaded/failed/failed", next().toString());
        assertTrue(reads.size() >= 3, "two failed reads, then a good one: " + reads);
    }

    @Test
    void unwatchedUnitsStopBeingDeliveredAndAClosedSubscriptionGetsNothing() throws InterruptedException {
        SystemdManager.StatusSubscription sub = tracker.addListener(delivered::add);
        tracker.watch(List.of("a.service"));
        next();
        tracker.watch(List.of());
        set("a.service", "loaded", "active", "running");
        tracker.hintName("a.service");
        assertNothingMoreWithin(200);

        tracker.watch(List.of("a.service"));
        assertEquals("a.service loaded/active/running", next().toString());
        sub.close();
        set("a.service", "loaded", "failed", "failed");
        tracker.hintName("a.service");
        assertNothingMoreWithin(200);
    }

    @Test
    void aThrowingListenerDoesNotStopDeliveryToOthers() throws InterruptedException {
        tracker.addListener(s -> {
            throw new IllegalStateException("listener bug");
        });
        tracker.addListener(delivered::add);
        tracker.watch(List.of("a.service"));
        assertEquals("a.service not-found/inactive/dead", next().toString());
    }

    @Test
    void watchRefusesInvalidNames() {
        org.junit.jupiter.api.Assertions.assertThrows(RejectedUnitNameException.class,
                () -> tracker.watch(List.of("ok.service", "../x.service")));
        assertEquals(java.util.Set.of(), tracker.watched());
    }
}
