package org.fleetj.registry.memory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;

/** A machine's announcement in an {@link InMemoryRegistry}; its mutable fields are guarded by the registry's lock ({@link MemoryStore}). */
final class MemoryPresence implements MachinePresence {
    final MemoryMachines machines;
    final String hostname;
    final Duration ttl;
    final List<Listener> listeners = new CopyOnWriteArrayList<>();

    // guarded by the store's lock
    MachineState self;
    long leaseId;
    boolean suspended;
    boolean closed;
    /** Set by {@link InMemoryRegistry#expireMachine}: the machine died, its presence never comes back. */
    boolean dead;

    MemoryPresence(MemoryMachines machines, MachineState self, String hostname, Duration ttl, long leaseId) {
        this.machines = machines;
        this.self = self;
        this.hostname = hostname;
        this.ttl = ttl;
        this.leaseId = leaseId;
    }

    @Override
    public String machineId() {
        return self.id();
    }

    @Override
    public boolean isAlive() {
        return machines.isAlive(this);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void update(MachineState state) {
        machines.update(this, state);
    }

    @Override
    public void close() {
        machines.leave(this);
    }

    @Override
    public String toString() {
        return "presence of " + self.id();
    }
}
