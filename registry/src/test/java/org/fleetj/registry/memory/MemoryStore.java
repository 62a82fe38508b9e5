package org.fleetj.registry.memory;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.RegistryMetrics;
import org.fleetj.registry.RegistryUnavailableException;
import org.fleetj.registry.support.ListenerCalls;

/**
 * What every part of an {@link InMemoryRegistry} shares: the one lock, the outage and closed flags, the revision
 * counter, the request metrics and the thread that calls listeners back.
 *
 * <p>One lock for all parts, on purpose: etcd applies each request atomically across its whole key space (a lease's
 * end removes the machine, its unit states and the leadership in one step), and one monitor is the simplest way to
 * keep that true in memory. Every part synchronizes on this object; methods named {@code ...Locked} expect it held.
 */
final class MemoryStore {
    final Clock clock;
    private final RegistryMetrics metrics = new RegistryMetrics();
    private final ExecutorService callbacks;

    // guarded by this
    private boolean unavailable;
    private boolean closed;
    private long revision;
    private Runnable beforeEachRequest = () -> { };

    MemoryStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.callbacks = Executors.newSingleThreadExecutor(daemon("in-memory-registry-callbacks"));
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Run under the lock before each request (the lease sweep: etcd never answers with a lease past its ttl). */
    synchronized void beforeEachRequest(Runnable hook) {
        this.beforeEachRequest = Objects.requireNonNull(hook, "hook");
    }

    /**
     * One request, as etcd would see it: refused while closed or in an outage, atomic under the lock, and counted
     * in the metrics under its etcd request type ({@code get}, {@code range}, {@code put}, {@code delete},
     * {@code txn}), so tests of the metrics read the same names as against etcd.
     */
    <T> T op(String type, Supplier<T> body) {
        long start = System.nanoTime();
        boolean failed = false;
        try {
            synchronized (this) {
                checkUsableLocked();
                beforeEachRequest.run();
                return body.get();
            }
        } catch (RegistryUnavailableException e) {
            failed = true;
            throw e;
        } finally {
            metrics.record(type, System.nanoTime() - start, failed);
        }
    }

    synchronized void requireUsable() {
        checkUsableLocked();
    }

    void checkUsableLocked() {
        if (closed) {
            throw new RegistryException("the in-memory registry is closed");
        }
        if (unavailable) {
            throw new RegistryUnavailableException("in-memory registry unavailable (simulated outage)");
        }
    }

    boolean isUnavailableLocked() {
        return unavailable;
    }

    void setUnavailableLocked(boolean down) {
        unavailable = down;
    }

    boolean isClosedLocked() {
        return closed;
    }

    /** Marks the store closed; true only for the call that closed it. */
    synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** The next revision, as etcd's would be after a write (the engine's fencing token is one). */
    long nextRevisionLocked() {
        return ++revision;
    }

    RegistryMetrics metrics() {
        return metrics;
    }

    ExecutorService callbacks() {
        return callbacks;
    }

    /**
     * Calls a listener on the callback thread, never under the lock (a listener may call the registry back, as
     * the etcd registry's listeners run on its own threads too). A listener that throws is logged.
     */
    void later(Runnable r) {
        ListenerCalls.submit(callbacks, r);
    }

    void shutdown() {
        callbacks.shutdown();
    }
}
