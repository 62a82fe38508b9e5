package org.fleetj.registry.etcd;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fleetj.registry.DuplicateMachineException;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.RegistryUnavailableException;
import org.fleetj.registry.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This machine in etcd: {@code machine/<id>} under a lease of {@code agent_ttl}, kept alive by
 * {@link KeptLease}. When keepalives fail the listeners hear {@code suspended}; when etcd answers again and the
 * lease survived they hear {@code rejoined}; when etcd says the lease is gone (long outage, revoked), the
 * machine is announced again under a new lease as soon as etcd can be reached, and then they hear
 * {@code rejoined}. Unit states go under the current lease, so they vanish with it.
 */
final class EtcdPresence implements MachinePresence, LeaseEvents.Holder {
    private static final Logger log = LoggerFactory.getLogger(EtcdPresence.class);
    private static final Duration RETRY_FIRST = Duration.ofMillis(250);

    private final EtcdRuntime rt;
    private final MachineDirectory directory;
    private final String hostname;
    private final Duration ttl;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private volatile MachineState self; // written under this
    private KeptLease lease;
    private boolean suspended;
    private boolean closed;
    private boolean abandoned;
    private final Backoff reannounceBackoff;

    private EtcdPresence(EtcdRuntime rt, MachineDirectory directory, MachineState self, String hostname, Duration ttl) {
        this.rt = rt;
        this.directory = directory;
        this.self = self;
        this.hostname = hostname;
        this.ttl = ttl;
        // at most half the TTL between attempts, so a recovered etcd sees the machine again well within one TTL
        this.reannounceBackoff = new Backoff(RETRY_FIRST, ttl.dividedBy(2));
    }

    /** Announces {@code self} (refusing a duplicate) and starts keeping the lease alive. */
    static EtcdPresence join(EtcdRuntime rt, MachineDirectory directory, MachineState self, String hostname, Duration ttl) {
        EtcdPresence p = new EtcdPresence(rt, directory, self, hostname, ttl);
        KeptLease lease = directory.announce(self, hostname, ttl);
        synchronized (p) {
            p.lease = lease;
            lease.start(new LeaseEvents(lease, p));
        }
        log.info("machine {} joined the cluster (hostname {}, IP {}, lease {} s)", self.id(), hostname,
                self.publicIp().isEmpty() ? "-" : self.publicIp(), KeptLease.ttlSeconds(ttl));
        return p;
    }

    @Override
    public String machineId() {
        return self.id();
    }

    @Override
    public synchronized boolean isAlive() {
        return !closed && !abandoned && !suspended && lease != null && !lease.isStopped();
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The lease unit states must be written under; fails when the machine is not announced right now. */
    synchronized long leaseFor(String what) {
        if (closed || abandoned || lease == null || lease.isStopped()) {
            throw new RegistryUnavailableException("machine " + self.id() + " is not announced (presence lease lost or closed); "
                    + what + " not written");
        }
        return lease.id();
    }

    /** A write under the lease was refused because etcd no longer knows it: find out now rather than at the next keepalive. */
    synchronized void leaseSuspect() {
        if (lease != null) {
            lease.checkSoon();
        }
    }

    @Override
    public void update(MachineState state) {
        Objects.requireNonNull(state, "state");
        if (!state.id().equals(self.id())) {
            throw new IllegalArgumentException("a presence cannot change its machine id from " + self.id() + " to " + state.id());
        }
        long leaseId;
        synchronized (this) {
            self = state; // a re-announcement after a lost lease uses the new facts even if this write fails
            leaseId = leaseFor("machine state");
        }
        try {
            directory.update(leaseId, state, hostname);
        } catch (EtcdGateway.LeaseNotFoundException e) {
            leaseSuspect();
            throw e;
        }
    }

    @Override
    public void close() {
        KeptLease l;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            l = lease;
            lease = null;
        }
        if (l != null && !abandoned) {
            if (l.revoke()) {
                log.info("machine {} left the cluster", self.id());
            }
        }
    }

    /** The fleetd dies without a word (tests): keepalives stop, the lease expires on its own. */
    synchronized void abandon() {
        abandoned = true;
        if (lease != null) {
            lease.abandon();
        }
    }

    // ---- the lease's events (LeaseEvents holds this object's monitor already; synchronized says so) --

    @Override
    public synchronized boolean holds(KeptLease mine) {
        return lease == mine && !closed && !abandoned;
    }

    @Override
    public synchronized Runnable leaseUnreachable(KeptLease mine, String why) {
        log.warn("machine {}: cannot renew its presence lease ({}); units keep running, retrying", self.id(), why);
        suspend();
        return null;
    }

    @Override
    public synchronized Runnable leaseConfirmed(KeptLease mine) {
        if (suspended) {
            log.info("machine {}: presence lease renewed again; still in the cluster", self.id());
            resume();
        }
        return null;
    }

    @Override
    public synchronized Runnable leaseLost(KeptLease mine) {
        log.warn("machine {}: presence lease {} is gone (expired or revoked); announcing the machine again",
                self.id(), Long.toHexString(mine.id()));
        lease = null;
        suspend();
        return this::reannounce;
    }

    private void suspend() {
        if (!suspended) {
            suspended = true;
            listeners.forEach(l -> rt.callback(l::suspended));
        }
    }

    private void resume() {
        suspended = false;
        reannounceBackoff.reset();
        listeners.forEach(l -> rt.callback(l::rejoined));
    }

    /** Announces the machine again under a new lease; retries with backoff until it works or the presence ends. */
    private void reannounce() {
        MachineState facts;
        synchronized (this) {
            if (closed || abandoned || lease != null) {
                return;
            }
            facts = self;
        }
        long delay;
        try {
            KeptLease fresh = directory.announce(facts, hostname, ttl);
            synchronized (this) {
                if (closed || abandoned) {
                    fresh.revoke();
                    return;
                }
                lease = fresh;
                fresh.start(new LeaseEvents(fresh, this));
                log.info("machine {} announced again under a new lease", facts.id());
                resume();
            }
            return;
        } catch (DuplicateMachineException e) {
            log.error("machine {} cannot be announced again: {}", facts.id(), e.getMessage());
            delay = ttl.toMillis();
        } catch (RegistryException e) {
            log.debug("machine {}: announcing again failed ({}); retrying", facts.id(), e.getMessage());
            synchronized (this) {
                delay = reannounceBackoff.next().toMillis();
            }
        }
        rt.later(this::reannounce, delay);
    }

    @Override
    public String toString() {
        return "presence of " + self.id();
    }
}
