package org.fleetj.registry.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.LeadershipLostException;
import org.fleetj.registry.support.NameRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine election of an {@link InMemoryRegistry}, as the etcd one runs it: the first started candidate leads
 * under a lease, its token is the revision at which it took the lead, a deposed leader campaigns again behind the
 * others, and every engine write is fenced on the current leadership ({@link #fencedWrite}).
 */
final class MemoryElection {
    private static final Logger log = LoggerFactory.getLogger(MemoryElection.class);

    private record LeaderEntry(Leadership leadership, long leaseId, MemoryLeaderLatch latch) {
    }

    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemoryLeases leases;

    // guarded by store
    private final List<MemoryLeaderLatch> candidates = new ArrayList<>();
    private LeaderEntry leader;

    MemoryElection(MemoryStore store, MemoryWatches watches, MemoryLeases leases) {
        this.store = store;
        this.watches = watches;
        this.leases = leases;
    }

    LeaderLatch leaderLatch(String machineId, Duration ttl) {
        NameRules.machineId(machineId);
        MemoryLeases.requirePositive(ttl);
        return new MemoryLeaderLatch(this, machineId, ttl);
    }

    void campaign(MemoryLeaderLatch c) {
        synchronized (store) {
            if (c.closed) {
                throw new IllegalStateException("engine candidate " + c.machineId + " was closed; create a new latch");
            }
            if (c.started) {
                return;
            }
            c.started = true;
            candidates.add(c);
            electLocked();
        }
    }

    void resign(MemoryLeaderLatch c) {
        synchronized (store) {
            if (c.closed) {
                return;
            }
            c.closed = true;
            candidates.remove(c);
            if (leader != null && leader.latch() == c) {
                if (store.isUnavailableLocked()) {
                    leases.stopKeepingAliveLocked(leader.leaseId()); // cannot revoke in an outage: the key expires
                    c.current = null;
                } else {
                    leases.revokeLocked(leader.leaseId());
                }
                c.listeners.forEach(l -> store.later(l::notLeader));
            }
            electLocked();
        }
    }

    /** Hands the lead to the first started candidate, if nobody leads and etcd can be reached. */
    void electLocked() {
        if (leader != null || store.isUnavailableLocked() || store.isClosedLocked()) {
            return;
        }
        for (MemoryLeaderLatch c : candidates) {
            if (c.started && !c.closed) {
                long leaseId = leases.grantLocked(c.ttl);
                Leadership leadership = new Leadership(c.machineId, store.nextRevisionLocked());
                leader = new LeaderEntry(leadership, leaseId, c);
                c.current = leadership;
                watches.touched("engine/leader");
                log.info("engine leader is now {} (token {})", c.machineId, leadership.token());
                c.listeners.forEach(l -> store.later(() -> l.isLeader(leadership)));
                return;
            }
        }
    }

    Optional<String> engineLeader() {
        return store.op("get", () -> leader == null ? Optional.empty() : Optional.of(leader.leadership().machineId()));
    }

    /** The engine fence: a write by anyone but the current leader (same token) fails and changes nothing. */
    void fencedWrite(Leadership leadership, String what, Runnable write) {
        Objects.requireNonNull(leadership, "leadership");
        store.op("txn", () -> {
            if (leader == null || !leader.leadership().equals(leadership)) {
                throw new LeadershipLostException("engine leadership of " + leadership.machineId() + " (token " + leadership.token()
                        + ") is lost; " + what + " not written (leader now: "
                        + (leader == null ? "none" : leader.leadership().machineId()) + ")");
            }
            write.run();
            return null;
        });
    }

    /** A lease ended: if it was the leader's, the lead is gone (the next election picks a successor). */
    void leaseEndedLocked(long leaseId) {
        if (leader == null || leader.leaseId() != leaseId) {
            return;
        }
        MemoryLeaderLatch holder = leader.latch();
        leader = null;
        holder.current = null;
        watches.touched("engine/leader");
        if (!holder.closed) {
            log.info("engine leadership of {} ended (lease expired)", holder.machineId);
            holder.listeners.forEach(l -> store.later(l::notLeader));
            // a deposed leader campaigns again, behind the others
            candidates.remove(holder);
            candidates.add(holder);
        }
    }

    // ---- what the fault hooks do to the election (see MemoryFaults) ----------------------------

    /**
     * An outage began: the leader hears {@code suspended} (it cannot tell whether it still leads). Only the leader, as
     * with the etcd latch: a candidate has nothing to suspend, it just campaigns again once etcd answers.
     */
    void outageBeganLocked() {
        if (leader != null && !leader.latch().closed) {
            leader.latch().listeners.forEach(l -> store.later(l::suspended));
        }
    }

    /** An outage ended: a leader whose lease survived hears {@code isLeader} again; if nobody leads, an election. */
    void outageEndedLocked() {
        if (leader != null && !leader.latch().closed) {
            Leadership still = leader.leadership();
            leader.latch().listeners.forEach(l -> store.later(() -> l.isLeader(still)));
        }
        electLocked();
    }

    /** The candidates of a dead machine stop for good; a leadership one of them held ends now. */
    void crashCandidatesOfLocked(String machineId) {
        for (Iterator<MemoryLeaderLatch> it = candidates.iterator(); it.hasNext(); ) {
            MemoryLeaderLatch c = it.next();
            if (c.machineId.equals(machineId)) {
                c.closed = true;
                it.remove();
                if (leader != null && leader.latch() == c) {
                    leases.revokeLocked(leader.leaseId());
                }
            }
        }
    }

    /** One candidate dies: its leadership (if any) ends and it never campaigns again. */
    void crashLocked(LeaderLatch latch) {
        if (!(latch instanceof MemoryLeaderLatch c) || c.election != this) {
            throw new IllegalArgumentException("latch " + latch + " was not created by this registry");
        }
        c.closed = true;
        candidates.remove(c);
        if (leader != null && leader.latch() == c) {
            leases.revokeLocked(leader.leaseId());
        }
    }

    /** The leader stalled past its lease: the leader key expires. */
    void expireLocked() {
        if (leader == null) {
            throw new IllegalStateException("nobody leads, so no leadership can expire");
        }
        leases.revokeLocked(leader.leaseId());
    }
}
