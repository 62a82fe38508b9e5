package org.fleetj.fleetd.api;

import java.util.Map;
import org.fleetj.registry.Registry;
import org.fleetj.unit.GoQuote;

/**
 * Beyond fleet: how one-shot jobs ({@code [X-Fleet] Job=true}) ended. {@code GET /fleet/v1/jobs} lists every result
 * ({@code {"jobs":[...]}}), {@code GET /fleet/v1/jobs/<unit>} serves one ({@link org.fleetj.api.ApiJobResult}); 404 when
 * the job has not finished. Paths fleet clients never ask for, so fleet's own entities stay exactly as they were.
 */
final class JobsResource implements Resource {
    static final String COLLECTION = "jobs";
    private final Registry registry;

    JobsResource(Registry registry) {
        this.registry = registry;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        request.requireMethod("GET");
        String name = request.path();
        if (name.isEmpty()) {
            return ApiResponse.json(200, Map.of(COLLECTION, registry.jobResults().values().stream()
                    .map(org.fleetj.registry.JobResult::toApi).toList()));
        }
        if (name.contains("/")) throw ApiException.notFound("resource not found: " + GoQuote.q(name));
        return registry.jobResult(name).map(r -> ApiResponse.json(200, r.toApi()))
                .orElseThrow(() -> ApiException.notFound("no result recorded for job " + GoQuote.q(name)));
    }
}
