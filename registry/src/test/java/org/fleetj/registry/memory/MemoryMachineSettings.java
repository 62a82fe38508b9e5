package org.fleetj.registry.memory;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.support.NameRules;

/**
 * What users set on machines in an {@link InMemoryRegistry}, apart from what each machine announces: metadata
 * added through the API ({@code machine-meta/}) and cordon/drain ({@code machine-control/}). Neither is under a lease:
 * both outlive the machine's presence, as in etcd.
 */
final class MemoryMachineSettings {
    private final MemoryStore store;
    private final MemoryWatches watches;

    // guarded by store
    private final TreeMap<String, TreeMap<String, String>> dynamicMetadata = new TreeMap<>();
    private final Map<String, MachineAvailability> availability = new HashMap<>();

    MemoryMachineSettings(MemoryStore store, MemoryWatches watches) {
        this.store = store;
        this.watches = watches;
    }

    void setMachineMetadata(String machineId, String key, String value) {
        NameRules.machineId(machineId);
        NameRules.metadataKey(key);
        store.op(value == null ? "delete" : "put", () -> {
            if (value == null) {
                TreeMap<String, String> m = dynamicMetadata.get(machineId);
                if (m != null && m.remove(key) != null && m.isEmpty()) {
                    dynamicMetadata.remove(machineId);
                }
            } else {
                dynamicMetadata.computeIfAbsent(machineId, k -> new TreeMap<>()).put(key, value);
            }
            watches.touched("machine-meta/" + machineId + "/" + key);
            return null;
        });
    }

    Map<String, Map<String, String>> machineMetadata() {
        return store.op("range", () -> {
            Map<String, Map<String, String>> out = new TreeMap<>();
            dynamicMetadata.forEach((id, m) -> out.put(id, Map.copyOf(m)));
            return out;
        });
    }

    void setMachineAvailability(String machineId, MachineAvailability a) {
        NameRules.machineId(machineId);
        store.op(a == MachineAvailability.SCHEDULABLE ? "delete" : "put", () -> {
            if (a == MachineAvailability.SCHEDULABLE) {
                availability.remove(machineId);
            } else {
                availability.put(machineId, a);
            }
            watches.touched("machine-control/" + machineId);
            return null;
        });
    }

    /** The machine's announced metadata with the users' on top (a user's value wins, as in the etcd registry). */
    Map<String, String> mergedMetadataLocked(String machineId, Map<String, String> announced) {
        Map<String, String> merged = new TreeMap<>(announced);
        merged.putAll(dynamicMetadata.getOrDefault(machineId, new TreeMap<>()));
        return merged;
    }

    MachineAvailability availabilityLocked(String machineId) {
        return availability.getOrDefault(machineId, MachineAvailability.SCHEDULABLE);
    }
}
