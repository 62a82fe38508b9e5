package org.fleetj.fleetd.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnits;
import org.fleetj.registry.Job;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;

/**
 * Builds the API's Unit entity from a job and the agents' unit states, with the API model's rules
 * ({@link ApiUnits}): global units have no machineID, and no currentState in {@code GET /units/<name>}
 * (fleet's listing shows them inactive).
 */
public final class UnitViews {
    /** Whether a unit is global, by hash and name: parsing [X-Fleet] once per distinct unit keeps listing cheap. */
    private final Map<String, Boolean> globalByHash = new ConcurrentHashMap<>();

    public ApiUnit view(Job job, StateIndex states) {
        return view(job, states, false);
    }

    public ApiUnit listed(Job job, StateIndex states) {
        return view(job, states, true);
    }

    private ApiUnit view(Job job, StateIndex states, boolean listed) {
        boolean global = isGlobal(job);
        Optional<String> target = global ? Optional.empty() : job.targetMachine();
        Optional<TargetState> applied = target.map(m -> states.get(job.name(), m)).map(UnitState::applied);
        String current = listed ? ApiUnits.listedCurrentState(global, target, applied) : ApiUnits.currentState(global, target, applied);
        return new ApiUnit(job.name(), ApiUnits.toOptions(job.unit()), job.desiredState().wireName(), current, target.orElse(null));
    }

    public boolean isGlobal(Job job) {
        if (globalByHash.size() > 100_000) globalByHash.clear(); // bound the cache; entries are cheap to recompute
        return globalByHash.computeIfAbsent(job.unitHash() + ' ' + job.name(), k -> ApiUnits.isGlobal(job.name(), ApiUnits.toOptions(job.unit())));
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
