package org.fleetj.fleetd.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
    private static final Comparator<UnitState> ORDER = Comparator.comparing(UnitState::name).thenComparing(UnitState::machineId);

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

    private ApiResponse list(ApiRequest request) throws ApiException {
        Optional<String> machine = request.filter("machineID");
        Optional<String> unit = request.filter("unitName");
        String token = request.single("nextPageToken", PageToken.TOO_MANY).orElse(null);
        List<UnitState> states = new ArrayList<>();
        List<UnreadableRecord> unreadable = new ArrayList<>();
        for (UnitState s : registry.unitStates(r -> {
            if (unit.map(r.name()::equals).orElse(true) && machine.map(m -> r.key().endsWith("/" + m)).orElse(true)) unreadable.add(r);
        })) {
            if (machine.map(s.machineId()::equals).orElse(true) && unit.map(s.name()::equals).orElse(true)) {
                states.add(s);
            }
        }
        states.sort(ORDER);
        PageToken.Page<UnitState> page = PageToken.page(states, token, tokenLimit);
        List<ApiUnitState> out = new ArrayList<>(page.items().size());
        for (UnitState s : page.items()) out.add(view(s));
        return ApiResponse.json(200, new Pages.UnitStatePage(out, page.nextToken(), Pages.unreadable(token, unreadable)));
    }

    private static ApiUnitState view(UnitState s) {
        return new ApiUnitState(s.name(), s.unitHash(), s.machineId(), s.loadState(), s.activeState(), s.subState());
    }
}
