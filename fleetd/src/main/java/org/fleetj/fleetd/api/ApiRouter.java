package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.util.Map;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a request path to its resource: the v1 API under both {@code /fleet/v1} and the legacy
 * {@code /v1-alpha}, and {@code /metrics}. Every failure becomes fleet's JSON error entity: the resource's
 * own 4xx, 503 when the registry cannot be reached, 500 (logged with its cause) for anything else.
 */
final class ApiRouter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
    static final String[] API_ROOTS = {"/fleet/v1", "/v1-alpha"};

    private final Map<String, Resource> resources;
    private final Resource metrics;

    ApiRouter(Registry registry, int tokenLimit, FleetMetrics metrics) {
        this.resources = Map.of(
                UnitsResource.COLLECTION, new UnitsResource(registry, tokenLimit),
                StateResource.COLLECTION, new StateResource(registry, tokenLimit),
                MachinesResource.COLLECTION, new MachinesResource(registry, tokenLimit),
                FailuresResource.COLLECTION, new FailuresResource(registry),
                "discovery", new DiscoveryResource());
        this.metrics = new MetricsResource(metrics);
    }

    /** {@code fullPath} is the decoded path; the request's own path field is ignored here. */
    ApiResponse route(String fullPath, ApiRequest request) {
        try {
            Resource resource = null;
            String rest = null;
            if (fullPath.equals("/metrics")) {
                resource = metrics;
                rest = "";
            } else {
                for (String root : API_ROOTS) {
                    if (fullPath.startsWith(root + "/")) {
                        String below = fullPath.substring(root.length() + 1);
                        int slash = below.indexOf('/');
                        String collection = slash < 0 ? below : below.substring(0, slash);
                        rest = slash < 0 ? "" : below.substring(slash + 1);
                        resource = resources.get(collection);
                        break;
                    }
                }
            }
            if (resource == null) throw ApiException.notFound("resource not found: " + GoQuote.q(fullPath));
            return resource.handle(new ApiRequest(request.method(), rest, request.query(), request.contentType(), request.body()));
        } catch (ApiException e) {
            return ApiResponse.error(e.status(), e.getMessage());
        } catch (RegistryUnavailableException e) {
            LOG.warn("API {} {}: registry unavailable: {}", request.method(), fullPath, e.getMessage());
            return ApiResponse.error(503, "registry unavailable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // the registry's own name checks: user input it refuses, not a server fault
            return ApiResponse.error(400, e.getMessage() == null ? "invalid request" : e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("API {} {} failed", request.method(), fullPath, e);
            return ApiResponse.error(500, "internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
