package org.fleetj.registry.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration FIRST = Duration.ofMillis(250);
    private static final Duration CAP = Duration.ofSeconds(5);
    /** The delay without jitter: always the ceiling, as every retry site did before. */
    private static final LongUnaryOperator NO_JITTER = bound -> bound;

    @Test
    void theCeilingDoublesFromTheFirstDelayUpToTheCapAndAResetStartsOver() {
        Backoff b = new Backoff(FIRST, CAP, NO_JITTER);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            delays.add(b.next().toMillis());
        }
        assertEquals(List.of(250L, 500L, 1000L, 2000L, 4000L, 5000L, 5000L, 5000L), delays);
        assertEquals(8, b.failures());
        b.reset();
        assertEquals(0, b.failures());
        assertEquals(250, b.next().toMillis());
    }

    @Test
    void aLongOutageStaysAtTheCapWithoutOverflowing() {
        Backoff b = new Backoff(Duration.ofSeconds(3), Duration.ofDays(1), NO_JITTER);
        for (int i = 0; i < 200; i++) {
            long ms = b.next().toMillis();
            assertTrue(ms > 0 && ms <= Duration.ofDays(1).toMillis(), "delay " + i + " = " + ms);
        }
        assertEquals(Duration.ofDays(1), b.nextCeiling());
    }

    @Test
    void everyJitteredDelayLiesBetweenZeroAndItsCeiling() {
        Backoff b = new Backoff(FIRST, CAP);
        for (int i = 0; i < 1000; i++) {
            long ceiling = b.nextCeiling().toMillis();
            long ms = b.next().toMillis();
            assertTrue(ms >= 0 && ms <= ceiling, "delay " + ms + " outside [0, " + ceiling + "]");
        }
    }

    private static final int AGENTS = 100;
    /** etcd is down this long; every agent failed at the same instant when it went down. */
    private static final long OUTAGE_MS = 20_000;
    /**
     * Counted from here on: the first retries necessarily fall within the first delay (250 ms, then 500 ms), as
     * they should for a short blip; from one cap on, each agent's attempts are at most a cap apart.
     */
    private static final long SETTLED_MS = CAP.toMillis();
    /** Attempts are counted per slice of this width: about one etcd round trip under load. */
    private static final long SLICE_MS = 100;

    /**
     * 100 agents lose etcd at the same instant and retry until it is back. With jitter their attempts spread over
     * the window: once the delays reach the cap no 100 ms slice sees more than a fifth of them (4 on average), and the first attempts after etcd returns are
     * spread over seconds. The same measure applied without jitter finds all 100 in lockstep, so it can fail.
     */
    @Test
    void hundredAgentsRetryingAfterTheSameOutageSpreadTheirAttemptsOverTheWindow() {
        Stats jittered = simulate(seed -> new Backoff(FIRST, CAP, uniform(seed)));
        assertTrue(jittered.busiestSlice <= AGENTS / 5,
                "with jitter at most " + AGENTS / 5 + " of " + AGENTS + " agents may hit etcd in one " + SLICE_MS
                        + " ms slice, busiest had " + jittered.busiestSlice);
        assertTrue(jittered.busiestSliceAfterRecovery <= AGENTS / 10,
                "after etcd returns, busiest slice had " + jittered.busiestSliceAfterRecovery);
        assertTrue(jittered.recoverySpreadMs >= 2_000,
                "first attempts after etcd returns spread over " + jittered.recoverySpreadMs + " ms only");

        Stats lockstep = simulate(seed -> new Backoff(FIRST, CAP, NO_JITTER));
        assertEquals(AGENTS, lockstep.busiestSlice, "without jitter every agent retries in the same slice");
        assertEquals(AGENTS, lockstep.busiestSliceAfterRecovery);
    }

    private static LongUnaryOperator uniform(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return bound -> r.nextLong(bound + 1);
    }

    private record Stats(int busiestSlice, int busiestSliceAfterRecovery, long recoverySpreadMs) {}

    private interface BackoffFactory {
        Backoff create(long seed);
    }

    private static Stats simulate(BackoffFactory factory) {
        TreeMap<Long, Integer> duringOutage = new TreeMap<>();
        TreeMap<Long, Integer> firstAfterRecovery = new TreeMap<>();
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        for (int agent = 0; agent < AGENTS; agent++) {
            Backoff backoff = factory.create(agent);
            long t = 0;
            while (true) {
                t += backoff.next().toMillis();
                if (t >= OUTAGE_MS) {
                    firstAfterRecovery.merge(t / SLICE_MS, 1, Integer::sum);
                    earliest = Math.min(earliest, t);
                    latest = Math.max(latest, t);
                    break;
                }
                if (t >= SETTLED_MS) {
                    duringOutage.merge(t / SLICE_MS, 1, Integer::sum);
                }
            }
        }
        Supplier<Integer> none = () -> 0;
        int busiest = duringOutage.values().stream().max(Integer::compare).orElseGet(none);
        int busiestAfter = firstAfterRecovery.values().stream().max(Integer::compare).orElseGet(none);
        return new Stats(busiest, busiestAfter, latest - earliest);
    }
}
