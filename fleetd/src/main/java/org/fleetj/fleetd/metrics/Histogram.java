package org.fleetj.fleetd.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Distribution of observed values in fixed buckets (Prometheus histogram), in seconds for latencies.
 * Buckets are upper bounds; the {@code +Inf} bucket is implicit.
 */
public final class Histogram {
    /** Prometheus' default buckets, the ones fleet's histograms used. */
    static final double[] DEFAULT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final double[] upperBounds;
    private final LongAdder[] bucketCounts;
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(double[] upperBounds) {
        this.upperBounds = upperBounds.clone();
        for (int i = 1; i < this.upperBounds.length; i++) {
            if (!(this.upperBounds[i] > this.upperBounds[i - 1])) {
                throw new IllegalArgumentException("histogram buckets must increase strictly: " + Arrays.toString(upperBounds));
            }
        }
        bucketCounts = new LongAdder[this.upperBounds.length];
        for (int i = 0; i < bucketCounts.length; i++) bucketCounts[i] = new LongAdder();
    }

    public void observe(double value) {
        for (int i = 0; i < upperBounds.length; i++) {
            if (value <= upperBounds[i]) {
                bucketCounts[i].increment();
                break;
            }
        }
        count.increment();
        sum.add(value);
    }

    /** Observes the time since {@code startNanos} (a {@link System#nanoTime()} value), in seconds. */
    public void observeSince(long startNanos) {
        observe((System.nanoTime() - startNanos) / 1e9);
    }

    public long count() {
        return count.sum();
    }

    public double sum() {
        return sum.sum();
    }

    double[] upperBounds() {
        return upperBounds.clone();
    }

    /** Cumulative counts per bucket (each includes the ones below), as the exposition format wants. */
    long[] cumulativeCounts() {
        long[] out = new long[upperBounds.length];
        long running = 0;
        for (int i = 0; i < out.length; i++) {
            running += bucketCounts[i].sum();
            out[i] = running;
        }
        return out;
    }
}
