package org.fleetj.fleetd.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fleetj.api.ApiUnitState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.UnreadableRecord;

/**
 * {@code /state}: a page of what the agents report, optionally filtered by {@code machineID} and {@code unitName}
 * (as in fleet, only the first value of each counts, an empty value is no filter, and both must match), and
 * {@code /state/<name>}: one unit's state (the first machine's, by machine id, for a global unit), 404 when no
 * machine reports one. Only GET, as in fleet.
 */
final class StateResource implements Resource {
    static final String COLLECTION = "state";

    private final Registry registry;
    private final int tokenLimit;

    StateResource(Registry registry, int tokenLimit) {
        this.registry = registry;
        this.tokenLimit = tokenLimit;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        request.requireMethod("GET");
        return request.path().isEmpty() ? list(request) : one(request.path());
    }

    private ApiResponse one(String name) throws ApiException {
        UnitState first = null;
        for (UnitState s : registry.unitStates()) {
            if (s.name().equals(name) && (first == null || s.machineId().compareTo(first.machineId()) < 0)) first = s;
        }
        if (first == null) throw ApiException.notFound("unit state does not exist");
        return ApiResponse.json(200, view(first));
    }

    /**
     * A page is placed among the states by which machines report each unit (etcd's keys, without the states), then
     * reads only its own units' states, as {@code /units} does (see there why). The first page reads every state
     * instead, for the records that cannot be read, which it lists (beyond fleet). Pages are positioned among all
     * states, readable or not, so that the first page and the others agree.
     */
    private ApiResponse list(ApiRequest request) throws ApiException {
        Optional<String> machine = request.filter("machineID");
        Optional<String> unit = request.filter("unitName");
        String token = request.single("nextPageToken", PageToken.TOO_MANY).orElse(null);
        List<StateKey> keys = new ArrayList<>();
        registry.unitStateMachines().forEach((u, machines) -> {
            if (unit.map(u::equals).orElse(true)) {
                for (String m : machines) if (machine.map(m::equals).orElse(true)) keys.add(new StateKey(u, m));
            }
        });
        PageToken.Page<StateKey> page = PageToken.page(keys, token, tokenLimit);
        List<UnreadableRecord> unreadable = new ArrayList<>();
        List<UnitState> read = token == null
                ? registry.unitStates(r -> {
                    if (unit.map(r.name()::equals).orElse(true) && machine.map(m -> r.key().endsWith("/" + m)).orElse(true)) unreadable.add(r);
                })
                : registry.unitStates(page.items().stream().map(StateKey::unit).distinct().toList());
        Set<StateKey> wanted = new HashSet<>(page.items());
        List<ApiUnitState> out = new ArrayList<>(page.items().size());
        for (UnitState s : read) {
            if (wanted.contains(new StateKey(s.name(), s.machineId()))) out.add(view(s));
        }
        return ApiResponse.json(200, new Pages.UnitStatePage(out, page.nextToken(), Pages.unreadable(token, unreadable)));
    }

    /** The unit and machine of one state: the listing's order is theirs. */
    private record StateKey(String unit, String machine) {
    }

    private static ApiUnitState view(UnitState s) {
        return new ApiUnitState(s.name(), s.unitHash(), s.machineId(), s.loadState(), s.activeState(), s.subState());
    }
}
