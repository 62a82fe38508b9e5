package org.fleetj.fleetd.api;

import java.util.Map;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryUnavailableException;
import org.fleetj.registry.UnreadableRecordException;
import org.fleetj.registry.WriteOutcomeUnknownException;
import org.fleetj.unit.GoQuote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a request path to its resource as fleet v1.0 does, under both {@code /fleet/v1} and the legacy
 * {@code /v1-alpha}: {@code discovery}, {@code units}, {@code units/<name>}, {@code state},
 * {@code state/<name>}, {@code machines}, plus {@code /metrics} and (beyond fleet) {@code /rollouts}. The API root itself answers 405 (fleet's root
 * handler accepts no method); any other path, a trailing slash included, 404. Every failure becomes fleet's JSON
 * error entity: the resource's own 4xx, 503 when the registry cannot be reached, 500 (logged) for anything else.
 */
final class ApiRouter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
    static final String[] API_ROOTS = {"/fleet/v1", "/v1-alpha"};

    private final Map<String, Resource> resources;
    private final Resource metrics;
    private final Resource rollouts;

    ApiRouter(Registry registry, int tokenLimit, FleetMetrics metrics) {
        this.resources = Map.of(
                UnitsResource.COLLECTION, new UnitsResource(registry, tokenLimit),
                StateResource.COLLECTION, new StateResource(registry, tokenLimit),
                MachinesResource.COLLECTION, new MachinesResource(registry, tokenLimit),
                PlacementResource.COLLECTION, new PlacementResource(registry),
                FailuresResource.COLLECTION, new FailuresResource(registry),
                JobsResource.COLLECTION, new JobsResource(registry),
                "discovery", new DiscoveryResource());
        this.metrics = new MetricsResource(metrics);
        this.rollouts = new RolloutsResource(registry, java.time.Clock.systemUTC());
    }

    /** {@code fullPath} is the decoded, already clean path. */
    ApiResponse route(String fullPath, ApiRequest request) {
        try {
            if (fullPath.equals("/metrics")) return metrics.handle(request.below(""));
            // rollouts (beyond fleet) live outside fleet's API roots, which answer exactly as fleet's
            if (fullPath.equals(RolloutsResource.ROOT)) return rollouts.handle(request.below(""));
            if (fullPath.startsWith(RolloutsResource.ROOT + "/") && fullPath.length() > RolloutsResource.ROOT.length() + 1) {
                return rollouts.handle(request.below(fullPath.substring(RolloutsResource.ROOT.length() + 1)));
            }
            if (fullPath.equals("/")) throw noMethod();
            for (String root : API_ROOTS) {
                if (fullPath.equals(root)) throw noMethod();
                if (!fullPath.startsWith(root + "/")) continue;
                String below = fullPath.substring(root.length() + 1);
                int slash = below.indexOf('/');
                String collection = slash < 0 ? below : below.substring(0, slash);
                String rest = slash < 0 ? "" : below.substring(slash + 1);
                Resource resource = resources.get(collection);
                // an item is one path segment: "units/" and "units/a/b.service" are not resources, as in fleet;
                // our own placement resource (beyond fleet) has machines/<id> below it
                boolean nested = collection.equals(PlacementResource.COLLECTION);
                if (resource == null || (slash >= 0 && (rest.isEmpty() || (!nested && rest.indexOf('/') >= 0)))) break;
                return resource.handle(request.below(rest));
            }
            throw ApiException.notFound("resource not found: " + GoQuote.q(fullPath));
        } catch (ApiException e) {
            return ApiResponse.error(e.status(), e.getMessage());
        } catch (UnreadableRecordException e) {
            // the one unit (or machine) asked for is broken: say which key and why, not "internal error"
            return ApiResponse.error(500, e.getMessage() + "; destroy the unit (or delete the key) and submit it again");
        } catch (WriteOutcomeUnknownException e) {
            LOG.warn("API {} {}: {}", request.method(), fullPath, e.getMessage());
            return ApiResponse.error(503, e.getMessage());
        } catch (RegistryUnavailableException e) {
            LOG.warn("API {} {}: registry unavailable: {}", request.method(), fullPath, e.getMessage());
            return ApiResponse.error(503, "registry unavailable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // the registry's own name checks: user input it refuses, not a server fault
            return ApiResponse.error(400, e.getMessage() == null ? "invalid request" : e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("API {} {} failed", request.method(), fullPath, e);
            return ApiResponse.error(500, "internal error; the fleetd log has the details");
        }
    }

    private static ApiException noMethod() {
        return ApiException.methodNotAllowed("the API root is not a resource; see " + API_ROOTS[0] + "/discovery");
    }
}
