package org.fleetj.registry.memory;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.support.NameRules;

/**
 * What the engine records about units in an {@link InMemoryRegistry}, beyond fleet: failure records
 * ({@code failures/<unit>}, fenced like the schedule) and why a unit waits ({@code wait-reason/<unit>}, not fenced:
 * a stale reason is only shown, never acted on, and a new leader rewrites what changed).
 */
final class MemoryUnitRecords {
    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemoryElection election;

    // guarded by store
    private final Map<String, UnitFailures> failures = new TreeMap<>();
    private final TreeMap<String, String> waitReasons = new TreeMap<>();

    MemoryUnitRecords(MemoryStore store, MemoryWatches watches, MemoryElection election) {
        this.store = store;
        this.watches = watches;
        this.election = election;
    }

    Map<String, UnitFailures> unitFailures() {
        return store.op("range", () -> Collections.unmodifiableMap(new TreeMap<>(failures)));
    }

    void putUnitFailures(Leadership leadership, UnitFailures f) {
        NameRules.unitName(f.unit());
        election.fencedWrite(leadership, "failure record of " + f.unit(), () -> {
            failures.put(f.unit(), f);
            watches.touched("failures/" + f.unit());
        });
    }

    void removeUnitFailures(Leadership leadership, String unit) {
        NameRules.unitName(unit);
        election.fencedWrite(leadership, "failure record of " + unit, () -> {
            if (failures.remove(unit) != null) watches.touched("failures/" + unit);
        });
    }

    /** {@code changes}: unit → its new reason, or null when it no longer waits. */
    void publishWaitReasons(Map<String, String> changes) {
        store.op("txn", () -> {
            changes.forEach((unit, reason) -> {
                if (reason == null) {
                    waitReasons.remove(unit);
                } else {
                    waitReasons.put(unit, reason);
                }
                watches.touched("wait-reason/" + unit);
            });
            return null;
        });
    }

    Map<String, String> waitReasons() {
        return store.op("range", () -> Map.copyOf(waitReasons));
    }
}
