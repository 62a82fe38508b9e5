package org.fleetj.registry.memory;

import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachinePresence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults a test injects into an {@link InMemoryRegistry}, each what an etcd test does with real processes: an
 * outage, a machine's death, one fleetd's crash, a lease lost during a partition, a stalled leader. Each is one step
 * under the store's lock, so a test never sees half a fault. The public hooks and their contracts are on
 * {@link InMemoryRegistry}.
 */
final class MemoryFaults {
    private static final Logger log = LoggerFactory.getLogger(MemoryFaults.class);

    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemoryLeases leases;
    private final MemoryElection election;
    private final MemoryMachines machines;

    MemoryFaults(MemoryStore store, MemoryWatches watches, MemoryLeases leases, MemoryElection election, MemoryMachines machines) {
        this.store = store;
        this.watches = watches;
        this.leases = leases;
        this.election = election;
        this.machines = machines;
    }

    void setUnavailable(boolean down) {
        synchronized (store) {
            if (down == store.isUnavailableLocked()) {
                return;
            }
            if (down) {
                leases.sweepLocked(); // what expired before the outage is gone before it
                store.setUnavailableLocked(true);
                machines.outageBeganLocked();
                election.outageBeganLocked();
                log.info("in-memory registry: simulated outage begins");
                return;
            }
            leases.expireDueLocked(); // leases not renewed during the outage end now if their ttl passed
            store.setUnavailableLocked(false);
            leases.refreshLocked();
            machines.outageEndedLocked();
            election.outageEndedLocked();
            watches.signalAll();
            log.info("in-memory registry: simulated outage ends");
        }
    }

    void expireMachine(String machineId) {
        synchronized (store) {
            long leaseId = machines.markDeadLocked(machineId);
            election.crashCandidatesOfLocked(machineId);
            leases.revokeLocked(leaseId);
            election.electLocked();
        }
    }

    void crash(MachinePresence presence) {
        synchronized (store) {
            MemoryPresence p = machines.own(presence);
            p.dead = true;
            leases.revokeLocked(p.leaseId);
            election.electLocked();
        }
    }

    void expireLease(MachinePresence presence) {
        synchronized (store) {
            MemoryPresence p = machines.own(presence);
            if (!leases.isLiveLocked(p.leaseId)) {
                throw new IllegalStateException("the lease of " + p + " is already gone");
            }
            leases.revokeLocked(p.leaseId);
            if (!store.isUnavailableLocked()) {
                machines.rejoinLocked(p);
            }
            election.electLocked();
        }
    }

    void crash(LeaderLatch latch) {
        synchronized (store) {
            election.crashLocked(latch);
            election.electLocked();
        }
    }

    void expireLeadership() {
        synchronized (store) {
            election.expireLocked();
            election.electLocked();
        }
    }
}
