package org.fleetj.registry.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The leases of an {@link InMemoryRegistry}, as etcd keeps them: granted with a ttl, kept alive for their holders
 * (unless in an outage), and ended when their ttl passes on the clock or when revoked. A lease's end is announced to
 * the parts that attach records to leases (machines, unit states, leadership), in the order they registered.
 *
 * <p>Expiry is checked before each request and every {@value #SWEEP_MILLIS} ms on a real clock; on a
 * {@link ManualClock}, also each time the test advances it, so lease tests need no sleeping.
 */
final class MemoryLeases {
    private static final long SWEEP_MILLIS = 50;

    private static final class Lease {
        final long id;
        final Duration ttl;
        Instant expiresAt;
        boolean keptAlive = true;

        Lease(long id, Duration ttl, Instant now) {
            this.id = id;
            this.ttl = ttl;
            this.expiresAt = now.plus(ttl);
        }
    }

    private final MemoryStore store;
    private final List<LongConsumer> onEnd = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sweeper;
    private final Runnable sweepOnAdvance = this::sweep;
    private volatile Runnable afterExpiry = () -> { };

    // guarded by store
    private final Map<Long, Lease> leases = new HashMap<>();
    private long nextLeaseId = 1;

    MemoryLeases(MemoryStore store) {
        this.store = store;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(MemoryStore.daemon("in-memory-registry-leases"));
    }

    /** {@code listener} hears the id of every lease that ends (expired or revoked), under the lock. */
    void onEnd(LongConsumer listener) {
        onEnd.add(listener);
    }

    /** Run under the lock after a sweep ended some leases (an election, since the leader's may be one of them). */
    void afterExpiry(Runnable hook) {
        afterExpiry = hook;
    }

    /** Starts expiring leases in the background; called once every part listens. */
    void start() {
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        if (store.clock instanceof ManualClock manual) {
            manual.onAdvance(sweepOnAdvance);
        }
    }

    static void requirePositive(Duration ttl) {
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
    }

    /** A new lease, kept alive until revoked or no longer kept alive; returns its id. */
    long grantLocked(Duration ttl) {
        Lease lease = new Lease(nextLeaseId++, ttl, store.clock.instant());
        leases.put(lease.id, lease);
        return lease.id;
    }

    boolean isLiveLocked(long id) {
        return leases.containsKey(id);
    }

    /** Its holder is gone but cannot revoke it (an outage): the lease ends on its own once its ttl passes. */
    void stopKeepingAliveLocked(long id) {
        Lease lease = leases.get(id);
        if (lease != null) {
            lease.keptAlive = false;
        }
    }

    /** Deletes a lease and, through the {@link #onEnd} listeners, everything attached to it. */
    void revokeLocked(long id) {
        if (leases.remove(id) == null) {
            return;
        }
        for (LongConsumer listener : onEnd) {
            listener.accept(id);
        }
    }

    void sweep() {
        synchronized (store) {
            if (!store.isClosedLocked()) {
                sweepLocked();
            }
        }
    }

    /** Keepalive for the holders that keep their leases (unless in an outage), then expiry of the rest. */
    void sweepLocked() {
        if (!store.isUnavailableLocked()) {
            refreshLocked();
        }
        if (expireDueLocked()) {
            afterExpiry.run();
        }
    }

    void refreshLocked() {
        Instant now = store.clock.instant();
        for (Lease lease : leases.values()) {
            if (lease.keptAlive) {
                lease.expiresAt = now.plus(lease.ttl);
            }
        }
    }

    /** Ends every lease whose ttl has passed; true if any did. */
    boolean expireDueLocked() {
        Instant now = store.clock.instant();
        List<Long> due = new ArrayList<>();
        leases.values().forEach(l -> {
            if (!l.expiresAt.isAfter(now)) due.add(l.id);
        });
        due.forEach(this::revokeLocked);
        return !due.isEmpty();
    }

    void close() {
        if (store.clock instanceof ManualClock manual) {
            manual.removeOnAdvance(sweepOnAdvance);
        }
        sweeper.shutdownNow();
    }
}
