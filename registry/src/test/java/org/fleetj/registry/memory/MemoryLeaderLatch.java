package org.fleetj.registry.memory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;

/** An engine candidate in an {@link InMemoryRegistry}; its mutable fields are guarded by the registry's lock ({@link MemoryStore}). */
final class MemoryLeaderLatch implements LeaderLatch {
    final MemoryElection election;
    final String machineId;
    final Duration ttl;
    final List<Listener> listeners = new CopyOnWriteArrayList<>();

    // guarded by the store's lock
    boolean started;
    boolean closed;
    volatile Leadership current;

    MemoryLeaderLatch(MemoryElection election, String machineId, Duration ttl) {
        this.election = election;
        this.machineId = machineId;
        this.ttl = ttl;
    }

    @Override
    public void start() {
        election.campaign(this);
    }

    @Override
    public Optional<Leadership> leadership() {
        return Optional.ofNullable(current);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        election.resign(this);
    }

    @Override
    public String toString() {
        return "engine candidate " + machineId;
    }
}
