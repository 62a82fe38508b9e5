package org.fleetj.registry.memory;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.Rollout;
import org.fleetj.registry.RolloutInProgressException;
import org.fleetj.registry.RolloutSpec;
import org.fleetj.registry.RolloutStatus;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.UnitFile;

/**
 * Rollouts (beyond fleet): the user's spec ({@code rollout-spec/<unit>}, which wakes the engine's cluster watch) and
 * the engine's status ({@code rollout-status/<unit>}, fenced like the schedule), as {@code RolloutStore} keeps them in etcd.
 */
final class MemoryRollouts {
    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemoryElection election;
    private final MemoryJobs jobs;
    private final Map<String, RolloutSpec> specs = new TreeMap<>();
    private final Map<String, RolloutStatus> statuses = new TreeMap<>();

    MemoryRollouts(MemoryStore store, MemoryWatches watches, MemoryElection election, MemoryJobs jobs) {
        this.store = store;
        this.watches = watches;
        this.election = election;
        this.jobs = jobs;
    }

    void start(RolloutSpec spec, UnitFile newUnit) {
        NameRules.unitName(spec.unit());
        Objects.requireNonNull(newUnit, "newUnit");
        store.op("txn", () -> {
            RolloutSpec before = specs.get(spec.unit());
            if (before != null) {
                Rollout r = new Rollout(before, Optional.ofNullable(statuses.get(spec.unit())));
                if (!r.isFinished()) {
                    throw new RolloutInProgressException("a rollout of " + spec.unit() + " is in progress ("
                            + r.status().map(s -> s.phase().wireName()).orElse("not begun yet") + "); abort it first");
                }
            }
            jobs.putUnitLocked(newUnit);
            if (statuses.remove(spec.unit()) != null) watches.touched("rollout-status/" + spec.unit());
            specs.put(spec.unit(), spec);
            watches.touched("rollout-spec/" + spec.unit());
            return null;
        });
    }

    boolean setControl(String unit, RolloutSpec.Control control) {
        NameRules.unitName(unit);
        Objects.requireNonNull(control, "control");
        return store.op("txn", () -> {
            RolloutSpec spec = specs.get(unit);
            if (spec == null) return false;
            specs.put(unit, spec.withControl(control));
            watches.touched("rollout-spec/" + unit);
            return true;
        });
    }

    Map<String, Rollout> all() {
        return store.op("range", () -> {
            Map<String, Rollout> out = new TreeMap<>();
            specs.forEach((u, spec) -> out.put(u, new Rollout(spec, Optional.ofNullable(statuses.get(u)))));
            return out;
        });
    }

    void putStatus(Leadership leadership, RolloutStatus status) {
        NameRules.unitName(status.unit());
        election.fencedWrite(leadership, "rollout status of " + status.unit(), () -> {
            statuses.put(status.unit(), status);
            watches.touched("rollout-status/" + status.unit());
        });
    }
}
