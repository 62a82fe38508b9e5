package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.support.Backoff;
import org.fleetj.registry.support.CoalescingNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engine election with Curator's leader-latch semantics on etcd. A candidate campaigns by granting a lease and
 * creating {@code engine/leader} (value: its machine id) in a create-if-absent transaction; the key's create
 * revision is the fencing {@link Leadership#token()}. Followers watch the key and campaign again when it goes.
 * The leader keeps its lease alive; failing keepalives are reported as {@code suspended} (leadership kept,
 * writes stay fenced); leadership is lost only when etcd says the lease is gone or the key no longer carries
 * this token. A slow safety check (every two ttls) re-reads the key in case a watch event was missed.
 */
final class EtcdLeaderLatch implements LeaderLatch, LeaseEvents.Holder {
    private static final Logger log = LoggerFactory.getLogger(EtcdLeaderLatch.class);
    private static final Duration RETRY_FIRST = Duration.ofMillis(250);

    private final EtcdRuntime rt;
    private final EtcdKv kv;
    private final String machineId;
    private final Duration ttl;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final CoalescingNotifier checks;

    // guarded by this
    private boolean started;
    private boolean closed;
    private boolean abandoned;
    private boolean suspended;
    private KeptLease lease;
    private ResumableWatch watch;
    private ScheduledFuture<?> safety;
    private ScheduledFuture<?> retry;
    private final Backoff retryBackoff;
    private String lastSeenLeader = "";
    private volatile Leadership current;

    EtcdLeaderLatch(EtcdRuntime rt, EtcdKv kv, String machineId, Duration ttl) {
        this.rt = rt;
        this.kv = kv;
        this.machineId = machineId;
        this.ttl = ttl;
        // at most one TTL between attempts: a leader key left by a dead engine expires within that
        this.retryBackoff = new Backoff(RETRY_FIRST, ttl);
        this.checks = new CoalescingNotifier("engine election of " + machineId, this::check, rt.timers());
    }

    @Override
    public synchronized void start() {
        if (closed || abandoned) {
            throw new IllegalStateException("engine candidate " + machineId + " was closed; create a new latch");
        }
        if (started) {
            return;
        }
        started = true;
        watch = ResumableWatch.start(rt, rt.keys().leader(), false, "engine leader key", checks::signal, null);
        scheduleSafetyCheck();
        checks.signal();
    }

    @Override
    public Optional<Leadership> leadership() {
        return Optional.ofNullable(current);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void close() {
        KeptLease l;
        boolean wasLeader;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopTimersAndWatch();
            wasLeader = current != null;
            current = null;
            l = lease;
            lease = null;
        }
        if (l != null && !abandoned) {
            l.revoke(); // deletes engine/leader: the next candidate takes over at once
        }
        if (wasLeader) {
            log.info("engine: {} resigned the leadership", machineId);
            listeners.forEach(x -> rt.callback(x::notLeader));
        }
    }

    /** The fleetd dies without a word (tests): no resign, no keepalives, no callbacks; its lease expires on its own. */
    synchronized void abandon() {
        abandoned = true;
        stopTimersAndWatch();
        if (lease != null) {
            lease.abandon();
        }
    }

    private void stopTimersAndWatch() {
        checks.close();
        if (watch != null) {
            watch.close();
        }
        if (safety != null) {
            safety.cancel(false);
        }
        if (retry != null) {
            retry.cancel(false);
        }
    }

    private void scheduleSafetyCheck() {
        long period = Math.max(2000, ttl.toMillis() * 2);
        try {
            safety = rt.timers().scheduleWithFixedDelay(checks::signal, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new RegistryException("the etcd registry of engine candidate " + machineId + " is closed", e);
        }
    }

    // ---- the election (timer threads, one check at a time) --------------------------------------

    /** Level-triggered: whatever happened, find out where we stand and act on it. */
    private void check() {
        synchronized (this) {
            if (closed || abandoned) {
                return;
            }
        }
        try {
            if (current == null) {
                campaign();
            } else {
                verify("the leader key changed");
            }
            synchronized (this) {
                retryBackoff.reset();
                if (current == null) {
                    suspended = false;
                }
            }
        } catch (RegistryException e) {
            synchronized (this) {
                if (closed || abandoned) {
                    return;
                }
                if (!suspended) {
                    suspended = true;
                    log.warn("engine election of {}: {}; retrying", machineId, e.getMessage());
                    if (current != null) {
                        // only a leader has something to suspend: a candidate just campaigns again
                        listeners.forEach(x -> rt.callback(x::suspended));
                    }
                }
                if (retry != null) {
                    retry.cancel(false);
                }
                retry = rt.later(checks::signal, retryBackoff.next().toMillis());
            }
        }
    }

    private void campaign() {
        ByteSequence key = rt.keys().leader();
        Optional<KeyValue> holder = kv.get(key);
        if (holder.isPresent()) {
            noteLeader(holder.get());
            return; // someone leads; the watch tells us when the key goes
        }
        KeptLease mine = KeptLease.grant(rt, ttl, "engine candidate " + machineId);
        TxnResponse r;
        try {
            r = kv.txn(List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))),
                    List.of(EtcdKv.putOp(key, EtcdKeys.bytes(machineId), mine.id()), EtcdKv.getOp(key)),
                    List.of(EtcdKv.getOp(key)));
        } catch (RegistryException e) {
            mine.revoke();
            throw e;
        }
        List<KeyValue> now = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
        if (!r.isSucceeded()) {
            mine.revoke();
            now.stream().findFirst().ifPresent(this::noteLeader);
            return;
        }
        Leadership won = new Leadership(machineId, now.get(0).getCreateRevision());
        synchronized (this) {
            if (closed || abandoned) {
                mine.revoke();
                return;
            }
            lease = mine;
            current = won;
            suspended = false;
            mine.start(new LeaseEvents(mine, this));
        }
        log.info("engine: {} is now the leader (fencing token {})", machineId, won.token());
        listeners.forEach(x -> rt.callback(() -> x.isLeader(won)));
    }

    private void noteLeader(KeyValue holder) {
        String leader = EtcdKeys.text(holder.getValue());
        synchronized (this) {
            if (!leader.equals(lastSeenLeader)) {
                lastSeenLeader = leader;
                if (leader.equals(machineId)) {
                    log.info("engine: the leader key (token {}) is held by an earlier run of {}; standing by until its lease ends",
                            holder.getCreateRevision(), machineId);
                } else {
                    log.info("engine: {} leads (token {}); {} stands by", leader, holder.getCreateRevision(), machineId);
                }
            }
        }
    }

    /** Confirms that the leader key still carries our token; loses the leadership otherwise. */
    private void verify(String reasonIfNot) {
        Leadership mine = current;
        if (mine == null) {
            return;
        }
        Optional<KeyValue> holder = kv.get(rt.keys().leader());
        boolean ours = holder.isPresent() && holder.get().getCreateRevision() == mine.token()
                && EtcdKeys.text(holder.get().getValue()).equals(machineId);
        if (!ours) {
            lose(mine, reasonIfNot, true);
        }
    }

    private void lose(Leadership which, String reason, boolean revoke) {
        KeptLease l;
        synchronized (this) {
            if (current != which || closed || abandoned) {
                return;
            }
            current = null;
            l = lease;
            lease = null;
        }
        log.warn("engine: {} lost the leadership (token {}): {}", machineId, which.token(), reason);
        if (l != null) {
            if (revoke) {
                l.revoke();
            } else {
                l.abandon();
            }
        }
        listeners.forEach(x -> rt.callback(x::notLeader));
        checks.signal(); // campaign again
    }

    // ---- the leader lease's events (LeaseEvents holds this object's monitor already) -------------

    @Override
    public synchronized boolean holds(KeptLease mine) {
        return lease == mine && !closed && !abandoned;
    }

    @Override
    public synchronized Runnable leaseUnreachable(KeptLease mine, String why) {
        if (suspended) {
            return null;
        }
        suspended = true;
        return () -> {
            log.warn("engine: {} cannot renew its leader lease ({}); suspended, writes stay fenced", machineId, why);
            listeners.forEach(x -> rt.callback(x::suspended));
        };
    }

    @Override
    public synchronized Runnable leaseConfirmed(KeptLease mine) {
        if (!suspended) {
            return null;
        }
        Leadership still = current;
        return () -> {
            try {
                verify("the leader key changed during the suspension");
            } catch (RegistryException e) {
                return; // the next keepalive or check tells
            }
            synchronized (EtcdLeaderLatch.this) {
                if (current != still || still == null) {
                    return;
                }
                suspended = false;
            }
            log.info("engine: {} still leads after the suspension (token {})", machineId, still.token());
            listeners.forEach(x -> rt.callback(() -> x.isLeader(still)));
        };
    }

    @Override
    public synchronized Runnable leaseLost(KeptLease mine) {
        Leadership which = current;
        return which == null ? null : () -> lose(which, "its lease expired or was revoked", false);
    }

    @Override
    public String toString() {
        return "engine candidate " + machineId;
    }
}
