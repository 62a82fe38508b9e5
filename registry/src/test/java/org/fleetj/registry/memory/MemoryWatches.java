package org.fleetj.registry.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fleetj.registry.Subscription;
import org.fleetj.registry.support.CoalescingNotifier;
import org.fleetj.registry.support.NameRules;

/**
 * The watches of an {@link InMemoryRegistry}: each covers the same key prefixes (etcd's layout, without the prefix)
 * as the etcd registry's watch of the same name, so a test sees the same wake-ups it would against etcd. Every part
 * reports each key it changes through {@link #touched(String)}.
 */
final class MemoryWatches {
    private record Watch(String prefix, CoalescingNotifier notifier) {
    }

    private final MemoryStore store;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();

    MemoryWatches(MemoryStore store) {
        this.store = store;
    }

    Subscription watchSchedule(String machineId, Runnable onChange) {
        NameRules.machineId(machineId);
        return watch("schedule of " + machineId, onChange, "schedule/" + machineId + "/");
    }

    Subscription watchGlobalJobs(Runnable onChange) {
        return watch("global jobs", onChange, "global/", "machine-meta/", "machine-control/");
    }

    Subscription watchCluster(Runnable onChange) {
        return watch("cluster", onChange, "job/", "machine/", "machine-meta/", "machine-control/", "rollout-spec/");
    }

    /** Watches every prefix through one coalescing notifier (a change touching several wakes the caller once). */
    private Subscription watch(String name, Runnable onChange, String... prefixes) {
        Objects.requireNonNull(onChange, "onChange");
        store.requireUsable();
        CoalescingNotifier notifier = new CoalescingNotifier(name, onChange, store.callbacks());
        List<Watch> added = new ArrayList<>();
        for (String prefix : prefixes) added.add(new Watch(prefix, notifier));
        watches.addAll(added);
        return () -> {
            notifier.close();
            watches.removeAll(added);
        };
    }

    /** Records a change of {@code key} (etcd's layout, without prefix) and wakes the watches that cover it. Under the lock. */
    void touched(String key) {
        if (store.isUnavailableLocked()) {
            return; // nobody can hear it now; every watch fires when the outage ends
        }
        for (Watch w : watches) {
            if (key.startsWith(w.prefix())) {
                w.notifier().signal();
            }
        }
    }

    /** After an outage: a watch re-reads everything, as the etcd registry's resumed watches do. */
    void signalAll() {
        watches.forEach(w -> w.notifier().signal());
    }

    void closeAll() {
        watches.forEach(w -> w.notifier().close());
    }
}
