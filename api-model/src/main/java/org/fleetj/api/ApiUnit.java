package org.fleetj.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * fleet v1 API "Unit" entity (JSON field names as fleet: name, options, desiredState, currentState,
 * machineID). Null fields are omitted on the wire; {@code currentState} and {@code machineID} are
 * read-only (computed by the server). Global units have neither.
 */
public record ApiUnit(String name, List<ApiUnitOption> options, String desiredState, String currentState, String machineID) {
    public ApiUnit {
        // a null element is kept (unmodifiable), so that the API can refuse it naming its position
        options = options == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(options));
    }
}
