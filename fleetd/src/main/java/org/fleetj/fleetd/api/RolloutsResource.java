package org.fleetj.fleetd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.fleetj.api.ApiRollout;
import org.fleetj.api.ApiRolloutRequest;
import org.fleetj.registry.Registry;
import org.fleetj.registry.Rollout;
import org.fleetj.registry.RolloutInProgressException;
import org.fleetj.registry.RolloutRequests;
import org.fleetj.registry.RolloutSpec;
import org.fleetj.unit.GoQuote;
import org.fleetj.unit.UnitFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beyond fleet, outside fleet's {@code /fleet/v1} tree (which answers exactly as fleet's): rolling updates.
 * <ul>
 * <li>{@code GET /rollouts}: {@code {"rollouts":[...]}}, every rollout, finished ones included;</li>
 * <li>{@code GET /rollouts/<unit>}: one ({@link ApiRollout}), 404 when the unit has none;</li>
 * <li>{@code PUT /rollouts/<unit>} with an {@link ApiRolloutRequest}: starts one (201 with it), 409 while the unit's
 * previous rollout has not finished, 400 for a unit that cannot be rolled out;</li>
 * <li>{@code PUT /rollouts/<unit>/control} with {@code {"control":"pause"}} (or {@code resume}, {@code abort}): 204.</li>
 * </ul>
 */
final class RolloutsResource implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutsResource.class);
    /** The path this resource answers below, outside the API roots. */
    static final String ROOT = "/rollouts";
    private static final String CONTROL = "/control";

    private final Registry registry;
    private final Clock clock;

    RolloutsResource(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        String path = request.path();
        if (path.isEmpty()) {
            request.requireMethod("GET");
            List<ApiRollout> all = registry.rollouts().values().stream().map(Rollout::toApi).toList();
            return ApiResponse.json(200, Map.of("rollouts", all));
        }
        if (path.endsWith(CONTROL)) return steer(request, path.substring(0, path.length() - CONTROL.length()));
        if (path.contains("/")) throw ApiException.notFound("resource not found: " + GoQuote.q(ROOT + "/" + path));
        return switch (request.method()) {
            case "GET" -> {
                Rollout r = registry.rollouts().get(path);
                if (r == null) throw ApiException.notFound("no rollout of unit " + GoQuote.q(path));
                yield ApiResponse.json(200, r.toApi());
            }
            case "PUT" -> start(request, path);
            default -> throw ApiException.methodNotAllowed("only GET and PUT supported against this resource");
        };
    }

    private ApiResponse start(ApiRequest request, String unit) throws ApiException {
        request.requireJson();
        ApiRolloutRequest body = JsonBodies.read(request.body().read(), ApiRolloutRequest.class);
        if (body.options().isEmpty()) throw ApiException.badRequest("options must hold the new unit file");
        UnitFile file = UnitOptionsValidator.toUnitFile(body.options());
        XFleetValidation.check(unit, file);
        try {
            RolloutSpec spec = RolloutRequests.start(registry, unit, file, body, clock);
            LOG.info("API: rollout of {} to unit file {} started (max-unavailable {}, min-healthy {} ms, auto-revert {})", unit,
                    file.hash().shortForm(), spec.maxUnavailable(), spec.minHealthy().toMillis(), spec.autoRevert());
            return ApiResponse.json(201, new Rollout(spec, java.util.Optional.empty()).toApi());
        } catch (RolloutInProgressException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private ApiResponse steer(ApiRequest request, String unit) throws ApiException {
        request.requireMethod("PUT");
        request.requireJson();
        JsonNode body = JsonBodies.read(request.body().read(), JsonNode.class);
        JsonNode word = body.get("control");
        if (word == null || !word.isTextual()) throw ApiException.badRequest("control must be one of pause, resume, abort");
        RolloutSpec.Control control = RolloutRequests.control(word.asText());
        if (!RolloutRequests.steer(registry, unit, control)) throw ApiException.notFound("no rollout of unit " + GoQuote.q(unit));
        LOG.info("API: rollout of {}: {}", unit, word.asText());
        return ApiResponse.noContent(204);
    }
}
