package org.fleetj.fleetd.api;

import org.fleetj.api.ApiUnitFailures;
import org.fleetj.registry.Registry;
import org.fleetj.registry.UnitFailures;
import org.fleetj.unit.GoQuote;

/**
 * Beyond fleet: {@code GET /fleet/v1/failures/<unit>}, the failure record the engine keeps for a unit with a
 * failure policy ({@link ApiUnitFailures}); 404 when the unit has none.
 */
final class FailuresResource implements Resource {
    static final String COLLECTION = "failures";
    private final Registry registry;

    FailuresResource(Registry registry) {
        this.registry = registry;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        request.requireMethod("GET");
        String name = request.path();
        if (name.isEmpty() || name.contains("/")) throw ApiException.notFound("resource not found: " + GoQuote.q(name));
        UnitFailures f = registry.unitFailures().get(name);
        if (f == null) throw ApiException.notFound("no failures recorded for unit " + GoQuote.q(name));
        return ApiResponse.json(200, f.toApi());
    }
}
