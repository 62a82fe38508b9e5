package org.fleetj.fleetd.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fleetj.api.ApiUnitState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.UnitState;

/**
 * {@code /state}: a page of what the agents report, optionally filtered by {@code machineID} and
 * {@code unitName} (each may be repeated: any of the values matches; both filters must match).
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
        if (!request.path().isEmpty()) throw ApiException.notFound("resource not found");
        if (!request.method().equals("GET")) throw ApiException.methodNotAllowed("only GET supported against this resource");
        Set<String> machines = new HashSet<>(request.all("machineID"));
        Set<String> units = new HashSet<>(request.all("unitName"));
        List<UnitState> states = new ArrayList<>();
        for (UnitState s : registry.unitStates()) {
            if ((machines.isEmpty() || machines.contains(s.machineId())) && (units.isEmpty() || units.contains(s.name()))) {
                states.add(s);
            }
        }
        states.sort(ORDER);
        PageToken.Page<UnitState> page = PageToken.page(COLLECTION, states, StateResource::key,
                request.single("nextPageToken").orElse(null), tokenLimit);
        List<ApiUnitState> out = new ArrayList<>(page.items().size());
        for (UnitState s : page.items()) {
            out.add(new ApiUnitState(s.name(), s.unitHash(), s.machineId(), s.loadState(), s.activeState(), s.subState()));
        }
        return ApiResponse.json(200, new Pages.UnitStatePage(out, page.nextToken()));
    }

    /** Sorts like {@link #ORDER}: NUL sorts before every character a unit name may hold. */
    private static String key(UnitState s) {
        return s.name() + '\u0000' + s.machineId();
    }
}
