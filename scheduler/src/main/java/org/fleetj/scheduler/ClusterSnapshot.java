package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable view of the cluster, built once per scheduling pass: machines sorted by id, units
 * sorted by name, with lookup indexes computed at construction so a pass stays near-linear.
 */
public final class ClusterSnapshot {

    private final List<Machine> machines;
    private final List<UnitSpec> units;
    private final Map<String, Machine> machinesById;
    private final Map<String, UnitSpec> unitsByName;
    private final Map<String, List<UnitSpec>> unitsByTarget;

    private ClusterSnapshot(List<Machine> machines, List<UnitSpec> units) {
        this.machines = List.copyOf(machines);
        this.units = List.copyOf(units);
        this.machinesById = new HashMap<>(machines.size() * 2);
        for (Machine m : machines) {
            if (machinesById.put(m.id(), m) != null) {
                throw new InvalidSnapshotException("machine " + m.id() + " appears twice in the snapshot");
            }
        }
        this.unitsByName = new HashMap<>(units.size() * 2);
        Map<String, List<UnitSpec>> byTarget = new HashMap<>();
        for (UnitSpec u : units) {
            if (unitsByName.put(u.name(), u) != null) {
                throw new InvalidSnapshotException("unit " + u.name() + " appears twice in the snapshot");
            }
            u.targetMachine().ifPresent(t -> byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(u));
        }
        byTarget.replaceAll((k, v) -> List.copyOf(v));
        this.unitsByTarget = byTarget;
    }

    /**
     * Builds a snapshot; input order does not matter (machines are sorted by id, units by name).
     *
     * @throws InvalidSnapshotException when a machine id or unit name appears twice
     */
    public static ClusterSnapshot of(Collection<Machine> machines, Collection<UnitSpec> units) {
        List<Machine> m = new ArrayList<>(machines);
        m.sort(Comparator.comparing(Machine::id));
        List<UnitSpec> u = new ArrayList<>(units);
        u.sort(Comparator.comparing(UnitSpec::name));
        return new ClusterSnapshot(m, u);
    }

    /** Machines, sorted by id. */
    public List<Machine> machines() {
        return machines;
    }

    /** Units, sorted by name. */
    public List<UnitSpec> units() {
        return units;
    }

    public Optional<Machine> machine(String id) {
        return Optional.ofNullable(machinesById.get(id));
    }

    public Optional<UnitSpec> unit(String name) {
        return Optional.ofNullable(unitsByName.get(name));
    }

    /** Units whose target is {@code machineId} (the machine need not be present), in name order. */
    public List<UnitSpec> unitsTargeting(String machineId) {
        return unitsByTarget.getOrDefault(machineId, List.of());
    }
}
