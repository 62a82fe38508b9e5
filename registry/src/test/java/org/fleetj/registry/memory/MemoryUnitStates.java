package org.fleetj.registry.memory;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.support.NameRules;

/**
 * The unit states agents publish in an {@link InMemoryRegistry} ({@code state/<unit>/<machine>} in etcd): each under
 * its machine's presence lease, so a machine's states vanish with it.
 */
final class MemoryUnitStates {
    private record StateEntry(UnitState state, long leaseId) {
    }

    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemoryMachines machines;

    // guarded by store; key: unit name, machine id
    private final Map<List<String>, StateEntry> states = new HashMap<>();

    MemoryUnitStates(MemoryStore store, MemoryWatches watches, MemoryMachines machines) {
        this.store = store;
        this.watches = watches;
        this.machines = machines;
    }

    void publishUnitState(MachinePresence presence, UnitState state) {
        MemoryPresence p = machines.own(presence);
        Objects.requireNonNull(state, "state");
        NameRules.unitName(state.name());
        if (!state.machineId().equals(p.machineId())) {
            throw new IllegalArgumentException("unit state of " + state.name() + " names machine " + state.machineId()
                    + " but is published by the presence of " + p.machineId());
        }
        store.op("put", () -> {
            machines.requireAliveLocked(p, "unit state of " + state.name());
            states.put(List.of(state.name(), state.machineId()), new StateEntry(state, p.leaseId));
            watches.touched("state/" + state.name() + "/" + state.machineId());
            return null;
        });
    }

    void removeUnitState(MachinePresence presence, String unitName) {
        MemoryPresence p = machines.own(presence);
        store.op("delete", () -> {
            if (states.remove(List.of(unitName, p.machineId())) != null) {
                watches.touched("state/" + unitName + "/" + p.machineId());
            }
            return null;
        });
    }

    List<UnitState> unitStates() {
        return store.op("range", () -> states.values().stream()
                .map(StateEntry::state)
                .sorted(Comparator.comparing(UnitState::name).thenComparing(UnitState::machineId))
                .toList());
    }

    List<UnitState> unitStates(Collection<String> units) {
        java.util.Set<String> wanted = java.util.Set.copyOf(units);
        return store.op("range", () -> states.values().stream()
                .map(StateEntry::state)
                .filter(s -> wanted.contains(s.name()))
                .sorted(Comparator.comparing(UnitState::name).thenComparing(UnitState::machineId))
                .toList());
    }

    java.util.SortedMap<String, List<String>> machinesByUnit() {
        return store.op("range", () -> {
            java.util.SortedMap<String, List<String>> out = new java.util.TreeMap<>();
            states.keySet().forEach(k -> out.computeIfAbsent(k.get(0), u -> new java.util.ArrayList<>()).add(k.get(1)));
            out.values().forEach(java.util.Collections::sort);
            return out;
        });
    }

    /** A lease ended: the states published under it are gone. */
    void leaseEndedLocked(long leaseId) {
        for (Iterator<Map.Entry<List<String>, StateEntry>> it = states.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<List<String>, StateEntry> e = it.next();
            if (e.getValue().leaseId() == leaseId) {
                it.remove();
                watches.touched("state/" + e.getKey().get(0) + "/" + e.getKey().get(1));
            }
        }
    }
}
