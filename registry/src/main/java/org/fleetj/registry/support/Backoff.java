package org.fleetj.registry.support;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The one retry delay of the project: exponential, capped, with "full jitter" (each delay is drawn uniformly from
 * {@code [0, min(cap, first × 2^n)]}, as in the AWS architecture note "Exponential Backoff and Jitter"). Every retry
 * site (joining the cluster, the agent's reconcile, watches, the engine election, presence, the D-Bus connection)
 * uses it, so after an etcd outage a hundred agents do not come back in lockstep: their attempts spread over the
 * window instead of hitting etcd together.
 *
 * <p>Why not failsafe or resilience4j: every site here reschedules itself on its own executor (a watch loop, the
 * agent's loop, a timer) rather than wrapping one blocking call, so all they need is the next delay; the libraries'
 * executors and policies would be a second scheduler beside ours.
 *
 * <p>One instance per retry site; thread-safe. {@link #reset()} after a success starts again from the first delay.
 */
public final class Backoff {
    private final long firstMillis;
    private final long capMillis;
    private final LongUnaryOperator uniformUpTo;
    private int failures;

    /** Delays drawn from a thread-local random source. */
    public Backoff(Duration first, Duration cap) {
        this(first, cap, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /**
     * @param uniformUpTo returns a uniform value in {@code [0, bound]} (inclusive); tests pass a seeded source
     */
    public Backoff(Duration first, Duration cap, LongUnaryOperator uniformUpTo) {
        this.firstMillis = Math.max(1, first.toMillis());
        this.capMillis = Math.max(this.firstMillis, cap.toMillis());
        this.uniformUpTo = Objects.requireNonNull(uniformUpTo);
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public synchronized Duration next() {
        long ceiling = ceilingMillis(failures);
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
        return Duration.ofMillis(uniformUpTo.applyAsLong(ceiling));
    }

    /** The largest delay the next {@link #next()} may return. */
    public synchronized Duration nextCeiling() {
        return Duration.ofMillis(ceilingMillis(failures));
    }

    /** A success: the next failure waits at most the first delay again. */
    public synchronized void reset() {
        failures = 0;
    }

    /** Failures since the last {@link #reset()}. */
    public synchronized int failures() {
        return failures;
    }

    private long ceilingMillis(int n) {
        // compared by shifting the cap down, so doubling never overflows
        return n >= 63 || (capMillis >> n) < firstMillis ? capMillis : firstMillis << n;
    }

    @Override
    public String toString() {
        return "Backoff[first=" + firstMillis + "ms, cap=" + capMillis + "ms, failures=" + failures() + "]";
    }
}
