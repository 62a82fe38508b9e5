package org.fleetj.fleetd.systemd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns "something about unit X may have changed" hints (from D-Bus signals) into delivered status
 * changes. Hints only mark a watched unit dirty; one worker thread reads all dirty units in one
 * ListUnitsByNames call and delivers those whose state differs from what was last delivered.
 *
 * <p>Reading the state after the hint (instead of trusting values carried by a signal) is what keeps
 * delivery correct when signals and replies race: the last read always happens after the last hint,
 * so the last delivered status is systemd's current one. A burst of signals costs one call.
 */
final class UnitStatusTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnitStatusTracker.class);
    private static final long RETRY_AFTER_FAILURE_MS = 250;

    /** Reads the current status of the given units (every name must be in the result). */
    interface StatusReader {
        Map<String, SystemdUnitStatus> read(Collection<String> names);
    }

    private final StatusReader reader;
    private final List<Consumer<SystemdUnitStatus>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    // guarded by lock
    private final Set<String> watched = new LinkedHashSet<>();
    private final Map<String, String> nameByObjectPath = new HashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Units whose systemd job ended: delivered on the next read even when their states look unchanged. */
    private final Set<String> jobEnded = new java.util.HashSet<>();
    private boolean closed;
    // only touched by the worker thread
    private final Map<String, SystemdUnitStatus> lastDelivered = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    private final Thread worker;

    UnitStatusTracker(StatusReader reader, String threadName) {
        this.reader = reader;
        this.worker = new Thread(this::run, threadName);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    SystemdManager.StatusSubscription addListener(Consumer<SystemdUnitStatus> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Replaces the watched set; units not watched before are read and delivered once. */
    void watch(Collection<String> names) {
        names.forEach(UnitNames::requireValid);
        synchronized (lock) {
            Set<String> next = new LinkedHashSet<>(names);
            for (String n : next) {
                if (!watched.contains(n)) {
                    dirty.add(n);
                }
            }
            watched.clear();
            watched.addAll(next);
            nameByObjectPath.clear();
            for (String n : next) {
                nameByObjectPath.put(UnitNames.objectPath(n), n);
            }
            dirty.retainAll(watched);
            lastDelivered.keySet().retainAll(next);
            lock.notifyAll();
        }
    }

    Set<String> watched() {
        synchronized (lock) {
            return Set.copyOf(watched);
        }
    }

    /**
     * systemd loaded a unit into memory (UnitNew). Only news when we last saw it not loaded (its file just
     * appeared): a unit that was loaded is loaded again with the same states, and re-reading it would load it
     * once more. Ignored unless watched.
     */
    void hintLoadedIntoMemory(String name) {
        SystemdUnitStatus last = lastDelivered.get(name);
        if (last == null || !"loaded".equals(last.loadState())) {
            hintName(name);
        }
    }

    /** A hint about a unit by name (JobRemoved); ignored unless watched. */
    void hintName(String name) {
        synchronized (lock) {
            if (watched.contains(name) && dirty.add(name)) {
                lock.notifyAll();
            }
        }
    }

    /**
     * A systemd job of the unit ended (JobRemoved): re-read it and deliver it even if its states are the same as
     * last delivered, because a quick oneshot can start and end between two reads (inactive, then inactive
     * again) and its run is news all the same. Ignored unless watched.
     */
    void hintJobEnded(String name) {
        synchronized (lock) {
            if (watched.contains(name)) {
                jobEnded.add(name);
                dirty.add(name);
                lock.notifyAll();
            }
        }
    }

    /** A hint about a unit by its D-Bus object path (PropertiesChanged); ignored unless watched. */
    void hintObjectPath(String objectPath) {
        synchronized (lock) {
            String name = nameByObjectPath.get(objectPath);
            if (name != null && dirty.add(name)) {
                lock.notifyAll();
            }
        }
    }

    /** Every watched unit may have changed (daemon-reload finished, bus reconnected). */
    void hintAll() {
        synchronized (lock) {
            if (dirty.addAll(watched)) {
                lock.notifyAll();
            }
        }
    }

    /** How many reads the worker made since it started (tests check that nothing makes it spin). */
    long reads() {
        return reads.get();
    }

    private void run() {
        while (true) {
            List<String> batch;
            synchronized (lock) {
                while (dirty.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                batch = new ArrayList<>(dirty);
                dirty.clear();
            }
            try {
                reads.incrementAndGet();
                deliverChanges(reader.read(batch));
            } catch (SystemdUnavailableException e) {
                // the bus is down; the reconnect calls hintAll() once it is back
                LOG.debug("not reading {} unit(s): {}", batch.size(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("reading the state of {} failed, retrying: {}", batch, e.getMessage());
                synchronized (lock) {
                    batch.stream().filter(watched::contains).forEach(dirty::add);
                    try {
                        lock.wait(RETRY_AFTER_FAILURE_MS);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private void deliverChanges(Map<String, SystemdUnitStatus> states) {
        for (SystemdUnitStatus status : states.values()) {
            synchronized (lock) {
                if (!watched.contains(status.name())) {
                    continue;
                }
            }
            SystemdUnitStatus previous = lastDelivered.get(status.name());
            boolean ended;
            synchronized (lock) {
                ended = jobEnded.remove(status.name());
            }
            if (status.sameStateAs(previous) && !ended) {
                continue;
            }
            lastDelivered.put(status.name(), status);
            LOG.debug("unit state changed: {}", status);
            for (Consumer<SystemdUnitStatus> l : listeners) {
                try {
                    l.accept(status);
                } catch (RuntimeException e) {
                    LOG.warn("unit status listener failed on {}: {}", status, e.toString(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        if (Thread.currentThread() != worker) {
            try {
                worker.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
