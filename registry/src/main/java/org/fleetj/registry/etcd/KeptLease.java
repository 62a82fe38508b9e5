package org.fleetj.registry.etcd;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.etcd.EtcdGateway.LeaseNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An etcd lease kept alive by one keepalive request every third of its ttl (each counted as
 * {@code lease-keepalive}), telling its holder how that goes: {@code unreachable} once when keepalives start
 * failing (the lease may or may not live on), {@code confirmed} after each success, {@code lost} when etcd says
 * the lease is gone. Keepalives are requests of our own rather than jetcd's background stream, so each one is
 * bounded, counted, and its failure is seen at once.
 */
final class KeptLease {
    private static final Logger log = LoggerFactory.getLogger(KeptLease.class);
    private static final long MIN_INTERVAL_MILLIS = 100;
    private static final long TROUBLE_RETRY_MILLIS = 500;

    interface Listener {
        void unreachable(String why);

        /** @param afterTrouble true for the first success after {@link #unreachable} */
        void confirmed(boolean afterTrouble);

        void lost();
    }

    private final EtcdRuntime rt;
    private final long id;
    private final Duration ttl;
    private final String owner;
    private Listener listener;
    private ScheduledFuture<?> next;
    private boolean troubled;
    private volatile boolean stopped;

    private KeptLease(EtcdRuntime rt, long id, Duration ttl, String owner) {
        this.rt = rt;
        this.id = id;
        this.ttl = ttl;
        this.owner = owner;
    }

    /** Grants a new lease of {@code ttl} (rounded up to whole seconds, as etcd counts them); not kept alive yet. */
    static KeptLease grant(EtcdRuntime rt, Duration ttl, String owner) {
        long seconds = ttlSeconds(ttl);
        long id = rt.gateway().call("lease-grant", c -> c.getLeaseClient().grant(seconds)).getID();
        return new KeptLease(rt, id, ttl, owner);
    }

    static long ttlSeconds(Duration ttl) {
        long ms = ttl.toMillis();
        return Math.max(1, (ms + 999) / 1000);
    }

    long id() {
        return id;
    }

    boolean isStopped() {
        return stopped;
    }

    /** Starts keeping the lease alive. */
    synchronized void start(Listener l) {
        this.listener = l;
        schedule(interval());
    }

    /** Asks for a keepalive now (e.g. after a write under this lease was refused). */
    synchronized void checkSoon() {
        if (!stopped && listener != null) {
            schedule(0);
        }
    }

    /** Stops the keepalives without telling etcd: the lease expires after its ttl (a crash, or a lease lost anyway). */
    synchronized void abandon() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    /** Stops the keepalives and revokes the lease, which deletes every key under it; false when etcd could not be told. */
    boolean revoke() {
        abandon();
        try {
            rt.gateway().call("lease-revoke", c -> c.getLeaseClient().revoke(id));
            return true;
        } catch (LeaseNotFoundException e) {
            return true;
        } catch (RegistryException e) {
            log.warn("could not revoke the etcd lease of {} ({}); it expires on its own within {} s", owner, e.getMessage(),
                    ttlSeconds(ttl));
            return false;
        }
    }

    private long interval() {
        return Math.max(MIN_INTERVAL_MILLIS, ttl.toMillis() / 3);
    }

    private void schedule(long millis) {
        if (next != null) {
            next.cancel(false);
        }
        next = rt.later(this::tick, millis);
    }

    private void tick() {
        Listener l;
        synchronized (this) {
            if (stopped) {
                return;
            }
            l = listener;
        }
        // bounded by half the ttl, so a hung etcd is noticed while the lease may still be renewed
        Duration timeout = Duration.ofMillis(Math.min(rt.gateway().config().requestTimeout().toMillis(), Math.max(500, ttl.toMillis() / 2)));
        try {
            rt.gateway().call("lease-keepalive", timeout, c -> c.getLeaseClient().keepAliveOnce(id));
        } catch (LeaseNotFoundException e) {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                stopped = true;
            }
            l.lost();
            return;
        } catch (RegistryException e) {
            boolean first;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                first = !troubled;
                troubled = true;
                schedule(Math.min(interval(), TROUBLE_RETRY_MILLIS));
            }
            if (first) {
                l.unreachable(e.getMessage());
            }
            return;
        }
        boolean afterTrouble;
        synchronized (this) {
            if (stopped) {
                return;
            }
            afterTrouble = troubled;
            troubled = false;
            schedule(interval());
        }
        l.confirmed(afterTrouble);
    }

    @Override
    public String toString() {
        return "lease " + Long.toHexString(id) + " of " + owner;
    }
}
