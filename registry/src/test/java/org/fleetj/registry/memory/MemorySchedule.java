package org.fleetj.registry.memory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.support.NameRules;

/**
 * The engine's decisions in an {@link InMemoryRegistry} ({@code schedule/<machine>/<unit>} in etcd): written only
 * by the current leader, fenced by its leadership, all changes of one call at once.
 */
final class MemorySchedule {
    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemoryElection election;

    // guarded by store; machine id -> unit name -> entry
    private final TreeMap<String, TreeMap<String, ScheduledUnit>> schedule = new TreeMap<>();

    MemorySchedule(MemoryStore store, MemoryWatches watches, MemoryElection election) {
        this.store = store;
        this.watches = watches;
        this.election = election;
    }

    void applySchedule(Leadership leadership, List<ScheduleChange> changes) {
        Objects.requireNonNull(leadership, "leadership");
        for (ScheduleChange c : changes) {
            NameRules.unitName(c.unit());
            NameRules.machineId(c.machineId());
        }
        election.fencedWrite(leadership, "schedule", () -> {
            for (ScheduleChange c : changes) {
                if (c.kind() == ScheduleChange.Kind.ASSIGN) {
                    schedule.computeIfAbsent(c.machineId(), k -> new TreeMap<>())
                            .put(c.unit(), new ScheduledUnit(c.unit(), c.unitHash(), c.desiredState()));
                } else {
                    TreeMap<String, ScheduledUnit> m = schedule.get(c.machineId());
                    if (m != null && m.remove(c.unit()) != null && m.isEmpty()) {
                        schedule.remove(c.machineId());
                    }
                }
                watches.touched("schedule/" + c.machineId() + "/" + c.unit());
            }
        });
    }

    List<ScheduledUnit> scheduleOf(String machineId) {
        return store.op("range", () -> List.copyOf(schedule.getOrDefault(machineId, new TreeMap<>()).values()));
    }

    Map<String, List<ScheduledUnit>> schedule() {
        return store.op("range", () -> {
            Map<String, List<ScheduledUnit>> out = new LinkedHashMap<>();
            schedule.forEach((m, entries) -> out.put(m, List.copyOf(entries.values())));
            return out;
        });
    }

    /** Unit name → the machine whose schedule holds it (a job's target machine). */
    Map<String, String> placementsLocked() {
        Map<String, String> out = new HashMap<>();
        schedule.forEach((machine, entries) -> entries.keySet().forEach(name -> out.putIfAbsent(name, machine)));
        return out;
    }
}
