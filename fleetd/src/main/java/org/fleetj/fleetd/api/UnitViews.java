package org.fleetj.fleetd.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitOption;
import org.fleetj.registry.Job;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitOption;

/**
 * Builds the API's Unit entity from a job and the agents' unit states. The current state is computed
 * (docs/design.md): {@code inactive} without a target machine or without a state from it, otherwise
 * {@code launched} when the target's agent reports it applied "launched", else {@code loaded}. Global
 * units have neither currentState nor machineID, as in fleet.
 */
public final class UnitViews {
    /** Whether a unit is global, by hash and name: parsing [X-Fleet] once per distinct unit keeps listing cheap. */
    private final Map<String, Boolean> globalByHash = new ConcurrentHashMap<>();

    public ApiUnit view(Job job, StateIndex states) {
        List<ApiUnitOption> options = options(job.unit());
        String desired = job.desiredState().wireName();
        if (isGlobal(job)) {
            return new ApiUnit(job.name(), options, desired, null, null);
        }
        Optional<String> target = job.targetMachine();
        if (target.isEmpty()) {
            return new ApiUnit(job.name(), options, desired, TargetState.INACTIVE.wireName(), null);
        }
        UnitState state = states.get(job.name(), target.get());
        TargetState current = state == null ? TargetState.INACTIVE
                : state.applied() == TargetState.LAUNCHED ? TargetState.LAUNCHED : TargetState.LOADED;
        return new ApiUnit(job.name(), options, desired, current.wireName(), target.get());
    }

    public boolean isGlobal(Job job) {
        if (globalByHash.size() > 100_000) globalByHash.clear(); // bound the cache; entries are cheap to recompute
        return globalByHash.computeIfAbsent(job.unitHash() + ' ' + job.name(), k -> GlobalUnits.isGlobal(job.unit(), job.name()));
    }

    static List<ApiUnitOption> options(UnitFile unit) {
        List<ApiUnitOption> out = new ArrayList<>(unit.options().size());
        for (UnitOption o : unit.options()) out.add(new ApiUnitOption(o.section(), o.name(), o.value()));
        return out;
    }

    /** Unit states by (unit name, machine id). */
    public static final class StateIndex {
        private final Map<String, UnitState> byKey;

        public StateIndex(List<UnitState> states) {
            byKey = new HashMap<>(states.size() * 2);
            for (UnitState s : states) byKey.put(key(s.name(), s.machineId()), s);
        }

        public UnitState get(String unit, String machine) {
            return byKey.get(key(unit, machine));
        }

        private static String key(String unit, String machine) {
            return unit + '\u0000' + machine;
        }
    }
}
