package org.fleetj.registry.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.fleetj.registry.DuplicateMachineException;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryUnavailableException;
import org.fleetj.registry.support.NameRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machines and their presences in an {@link InMemoryRegistry}: a machine is listed while its presence's lease lives
 * (as {@code machine/<id>} in etcd); a presence whose lease ended while its fleetd lives on announces itself again
 * under a new lease. Two live fleetds may not share a machine id, but a restarted one (same hostname and IP) takes
 * its registration over.
 */
final class MemoryMachines {
    private static final Logger log = LoggerFactory.getLogger(MemoryMachines.class);

    private record MachineEntry(MachineState state, String hostname, long leaseId) {
    }

    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemoryLeases leases;
    private final MemoryElection election;
    private final MemoryMachineSettings settings;

    // guarded by store
    private final TreeMap<String, MachineEntry> machines = new TreeMap<>();
    private final List<MemoryPresence> presences = new ArrayList<>();

    MemoryMachines(MemoryStore store, MemoryWatches watches, MemoryLeases leases, MemoryElection election,
            MemoryMachineSettings settings) {
        this.store = store;
        this.watches = watches;
        this.leases = leases;
        this.election = election;
        this.settings = settings;
    }

    MachinePresence join(MachineState self, String hostname, Duration ttl) {
        Objects.requireNonNull(self, "self");
        NameRules.machineId(self.id());
        String host = hostname == null ? "" : hostname;
        MemoryLeases.requirePositive(ttl);
        return store.op("txn", () -> {
            refuseDuplicateLocked(self, host);
            long leaseId = leases.grantLocked(ttl);
            MemoryPresence p = new MemoryPresence(this, self, host, ttl, leaseId);
            presences.add(p);
            machines.put(self.id(), new MachineEntry(self, host, leaseId));
            watches.touched("machine/" + self.id());
            return p;
        });
    }

    private void refuseDuplicateLocked(MachineState self, String hostname) {
        MachineEntry existing = machines.get(self.id());
        if (existing == null) {
            return;
        }
        if (existing.hostname().equals(hostname) && existing.state().publicIp().equals(self.publicIp())) {
            log.info("machine {} (hostname {}, IP {}) restarted: taking over its registration", self.id(), hostname, self.publicIp());
            return;
        }
        throw new DuplicateMachineException("machine id " + self.id() + " is already registered by a live fleetd on hostname "
                + existing.hostname() + " (IP " + existing.state().publicIp() + "); refusing to join as hostname " + hostname
                + " (IP " + self.publicIp() + "): every machine needs its own /etc/machine-id");
    }

    boolean isAlive(MemoryPresence p) {
        synchronized (store) {
            return !p.closed && !p.dead && !p.suspended && leases.isLiveLocked(p.leaseId);
        }
    }

    void update(MemoryPresence p, MachineState state) {
        Objects.requireNonNull(state, "state");
        if (!state.id().equals(p.self.id())) {
            throw new IllegalArgumentException("a presence cannot change its machine id from " + p.self.id() + " to " + state.id());
        }
        store.op("put", () -> {
            requireAliveLocked(p, "machine state");
            p.self = state;
            machines.put(state.id(), new MachineEntry(state, p.hostname, p.leaseId));
            watches.touched("machine/" + state.id());
            return null;
        });
    }

    void leave(MemoryPresence p) {
        synchronized (store) {
            if (p.closed) {
                return;
            }
            p.closed = true;
            presences.remove(p);
            if (!leases.isLiveLocked(p.leaseId)) {
                return;
            }
            if (store.isUnavailableLocked()) {
                leases.stopKeepingAliveLocked(p.leaseId); // cannot revoke during an outage: it expires on its own
            } else {
                leases.revokeLocked(p.leaseId);
                election.electLocked();
            }
        }
    }

    /** Announces {@code p} again under a new lease if its lease is gone, and tells it it is back. */
    void rejoinLocked(MemoryPresence p) {
        if (!leases.isLiveLocked(p.leaseId)) {
            try {
                refuseDuplicateLocked(p.self, p.hostname);
            } catch (DuplicateMachineException e) {
                log.error("cannot announce machine {} again: {}", p.self.id(), e.getMessage());
                return;
            }
            long leaseId = leases.grantLocked(p.ttl);
            p.leaseId = leaseId;
            machines.put(p.self.id(), new MachineEntry(p.self, p.hostname, leaseId));
            watches.touched("machine/" + p.self.id());
            log.info("machine {} announced again under a new lease", p.self.id());
        }
        if (p.suspended) {
            p.suspended = false;
            p.listeners.forEach(l -> store.later(l::rejoined));
        }
    }

    List<MachineState> machines() {
        return store.op("range", () -> {
            List<MachineState> out = new ArrayList<>(machines.size());
            machines.forEach((id, e) -> out.add(new MachineState(id, e.state().publicIp(),
                    settings.mergedMetadataLocked(id, e.state().metadata()), e.state().version(), e.state().capacity(),
                    settings.availabilityLocked(id))));
            return out;
        });
    }

    MemoryPresence own(MachinePresence presence) {
        if (presence instanceof MemoryPresence p && p.machines == this) {
            return p;
        }
        throw new IllegalArgumentException("presence " + presence + " was not created by this registry");
    }

    /** A write under a presence's lease needs the lease alive, as etcd refuses a put under a revoked lease. */
    void requireAliveLocked(MemoryPresence p, String what) {
        if (p.closed || p.dead || !leases.isLiveLocked(p.leaseId)) {
            throw new RegistryUnavailableException("machine " + p.machineId() + " is not announced (presence lease lost or closed); "
                    + what + " not written");
        }
    }

    /** A lease ended: the machines announced under it leave the list. */
    void leaseEndedLocked(long leaseId) {
        for (Iterator<Map.Entry<String, MachineEntry>> it = machines.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, MachineEntry> e = it.next();
            if (e.getValue().leaseId() == leaseId) {
                it.remove();
                watches.touched("machine/" + e.getKey());
                log.info("machine {} left the cluster (lease ended)", e.getKey());
            }
        }
    }

    /** A lease ended: the presences that held it hear {@code suspended} (they announce again when they can). */
    void suspendHoldersLocked(long leaseId) {
        for (MemoryPresence p : presences) {
            if (p.leaseId == leaseId && !p.closed && !p.suspended) {
                p.suspended = true;
                p.listeners.forEach(l -> store.later(l::suspended));
            }
        }
    }

    // ---- what the fault hooks do to machines (see MemoryFaults) --------------------------------

    /** An outage began: every live presence hears {@code suspended}. */
    void outageBeganLocked() {
        for (MemoryPresence p : presences) {
            if (!p.closed && !p.dead && !p.suspended) {
                p.suspended = true;
                p.listeners.forEach(l -> store.later(l::suspended));
            }
        }
    }

    /** An outage ended: every presence whose fleetd lives announces itself again if needed and hears {@code rejoined}. */
    void outageEndedLocked() {
        for (MemoryPresence p : presences) {
            if (!p.closed && !p.dead) {
                rejoinLocked(p);
            }
        }
    }

    /** Machine {@code machineId} died: its presences never announce again. Returns the lease it was listed under. */
    long markDeadLocked(String machineId) {
        MachineEntry entry = machines.get(machineId);
        if (entry == null) {
            throw new IllegalArgumentException("no live machine " + machineId + " to expire");
        }
        for (MemoryPresence p : presences) {
            if (p.leaseId == entry.leaseId()) {
                p.dead = true;
            }
        }
        return entry.leaseId();
    }
}
