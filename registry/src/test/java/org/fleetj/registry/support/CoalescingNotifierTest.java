package org.fleetj.registry.support;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoalescingNotifierTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void runsNeverOverlapOnAMultiThreadedExecutorAndASignalDuringARunCausesOneMoreRun() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstRunEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstRun = new CountDownLatch(1);
        CoalescingNotifier n = new CoalescingNotifier("test", () -> {
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            if (runs.incrementAndGet() == 1) {
                firstRunEntered.countDown();
                await("the test releases the first run").atMost(Duration.ofSeconds(10)).until(() -> releaseFirstRun.getCount() == 0);
            }
            inside.decrementAndGet();
        }, pool);

        n.signal();
        assertTrue(firstRunEntered.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 100; i++) {
            pool.execute(n::signal); // from other threads of the same executor, while the first run is busy
        }
        n.signal();
        releaseFirstRun.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 2 && inside.get() == 0);
        assertEquals(1, mostInside.get(), "two runs overlapped");
        // the signals made while the first run was busy collapse into runs after it, never into a lost signal
        int after = runs.get();
        n.signal();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == after + 1);
        assertEquals(1, mostInside.get(), "two runs overlapped");
    }

    @Test
    void aCallbackThatThrowsDoesNotStopLaterSignals() {
        AtomicInteger runs = new AtomicInteger();
        CoalescingNotifier n = new CoalescingNotifier("test", () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("boom");
        }, pool);
        n.signal();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
        n.signal();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
    }

    @Test
    void aClosedNotifierRunsNothing() {
        AtomicInteger runs = new AtomicInteger();
        CoalescingNotifier n = new CoalescingNotifier("test", runs::incrementAndGet, pool);
        n.close();
        n.signal();
        pool.shutdown();
        await().atMost(Duration.ofSeconds(10)).until(pool::isTerminated);
        assertEquals(0, runs.get());
    }
}
