package org.fleetj.registry;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests a registry makes to its store, per operation type (e.g. {@code get}, {@code range},
 * {@code txn}, {@code lease-grant}): how many, how many failed, and their latency. Thread-safe and cheap;
 * read by the API's {@code /metrics} and by the scale benchmark.
 */
public final class RegistryMetrics {

    /** Figures for one operation type at the moment of the snapshot. */
    public record OpStats(long count, long failures, long totalNanos, long maxNanos) {
        public double meanMillis() {
            return count == 0 ? 0.0 : totalNanos / 1e6 / count;
        }
    }

    private static final class Counter {
        final LongAdder count = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder totalNanos = new LongAdder();
        final AtomicLong maxNanos = new AtomicLong();
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** Records one request of type {@code op} that took {@code nanos} and failed or not. */
    public void record(String op, long nanos, boolean failed) {
        Counter c = counters.computeIfAbsent(op, k -> new Counter());
        c.count.increment();
        if (failed) c.failures.increment();
        c.totalNanos.add(nanos);
        c.maxNanos.accumulateAndGet(nanos, Math::max);
    }

    /** A consistent-enough copy of every counter, sorted by operation type. */
    public Map<String, OpStats> snapshot() {
        Map<String, OpStats> out = new TreeMap<>();
        counters.forEach((op, c) -> out.put(op, new OpStats(c.count.sum(), c.failures.sum(), c.totalNanos.sum(), c.maxNanos.get())));
        return Collections.unmodifiableMap(out);
    }

    /** Requests of type {@code op} so far (0 if none). */
    public long count(String op) {
        Counter c = counters.get(op);
        return c == null ? 0 : c.count.sum();
    }

    /** All requests so far, of every type. */
    public long totalCount() {
        return counters.values().stream().mapToLong(c -> c.count.sum()).sum();
    }

    /** Failed requests so far, of every type. */
    public long totalFailures() {
        return counters.values().stream().mapToLong(c -> c.failures.sum()).sum();
    }
}
