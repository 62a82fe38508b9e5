package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.fleetj.api.ApiUnit;
import org.fleetj.registry.Job;
import org.fleetj.registry.NoSuchUnitException;
import org.fleetj.registry.Registry;
import org.fleetj.registry.UnitExistsException;
import org.fleetj.unit.InvalidUnitNameException;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /units} (GET: a page of units) and {@code /units/<name>} (GET, PUT, DELETE).
 *
 * <p>PUT, following fleet v1: a new unit needs {@code options} and {@code desiredState} (201; without
 * options 409 "unit does not exist and options field empty"). For an existing unit, a body without
 * options, or with the options it already has, sets the desired state (204). Options that differ from the
 * stored ones replace the unit file, keeping the job and its placement, and set the desired state (204):
 * that is what {@code fleetctl --replace} relies on. A name in the body must equal the one in the URL.
 */
final class UnitsResource implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(UnitsResource.class);
    static final String COLLECTION = "units";

    private final Registry registry;
    private final int tokenLimit;
    private final UnitViews views = new UnitViews();

    UnitsResource(Registry registry, int tokenLimit) {
        this.registry = registry;
        this.tokenLimit = tokenLimit;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        String rest = request.path();
        if (rest.isEmpty()) {
            if (!request.method().equals("GET")) throw ApiException.methodNotAllowed("only GET supported against this resource");
            return list(request);
        }
        String name = validName(rest);
        return switch (request.method()) {
            case "GET" -> get(name);
            case "PUT" -> put(name, request);
            case "DELETE" -> delete(name);
            default -> throw ApiException.methodNotAllowed("only GET, PUT and DELETE supported against this resource");
        };
    }

    private ApiResponse list(ApiRequest request) throws ApiException {
        Optional<String> token = request.single("nextPageToken");
        List<Job> jobs = new ArrayList<>(registry.jobs());
        jobs.sort(Comparator.comparing(Job::name));
        PageToken.Page<Job> page = PageToken.page(COLLECTION, jobs, Job::name, token.orElse(null), tokenLimit);
        UnitViews.StateIndex states = new UnitViews.StateIndex(registry.unitStates());
        List<ApiUnit> units = new ArrayList<>(page.items().size());
        for (Job job : page.items()) units.add(views.view(job, states));
        return ApiResponse.json(200, new Pages.UnitPage(units, page.nextToken()));
    }

    private ApiResponse get(String name) throws ApiException {
        Job job = registry.job(name).orElseThrow(() -> ApiException.notFound("unit does not exist"));
        return ApiResponse.json(200, views.view(job, new UnitViews.StateIndex(registry.unitStates())));
    }

    private ApiResponse delete(String name) throws ApiException {
        if (!registry.destroyJob(name)) throw ApiException.notFound("unit does not exist");
        LOG.info("API: destroyed unit {}", name);
        return ApiResponse.noContent(204);
    }

    private ApiResponse put(String name, ApiRequest request) throws ApiException {
        request.requireJson(ApiJson.CONTENT_TYPE);
        ApiUnit body = JsonBodies.read(request.body().read(), ApiUnit.class);
        if (body.name() != null && !body.name().isEmpty() && !body.name().equals(name)) {
            throw ApiException.badRequest(String.format("name in URL %s differs from unit name in request body %s",
                    GoQuote.q(name), GoQuote.q(body.name())));
        }
        TargetState desired = desiredState(body.desiredState());
        UnitFile unit = body.options().isEmpty() ? null : validUnit(name, body);
        // two rounds: a concurrent create or destroy between our read and our write moves us to the other path
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<Job> existing = registry.job(name);
            if (existing.isPresent()) {
                if (unit == null || unit.hash().equals(existing.get().unit().hash())) {
                    if (registry.setDesiredState(name, desired)) {
                        LOG.info("API: unit {} desired state set to {}", name, desired);
                        return ApiResponse.noContent(204);
                    }
                    continue;
                }
                try {
                    registry.replaceJob(name, unit, desired);
                    LOG.info("API: unit {} replaced with unit file {} (desired state {})", name, unit.hash().shortForm(), desired);
                    return ApiResponse.noContent(204);
                } catch (NoSuchUnitException e) {
                    continue;
                }
            }
            if (unit == null) throw new ApiException(409, "unit does not exist and options field empty");
            try {
                registry.createJob(name, unit, desired);
                LOG.info("API: created unit {} ({}) with desired state {}", name, unit.hash().shortForm(), desired);
                return ApiResponse.noContent(201);
            } catch (UnitExistsException e) {
                // created concurrently: retry as a modification
            }
        }
        throw new ApiException(409, "unit " + GoQuote.q(name) + " was changed concurrently; retry the request");
    }

    private static TargetState desiredState(String wire) throws ApiException {
        if (wire == null || wire.isEmpty()) {
            throw ApiException.badRequest("desiredState is required: one of inactive, loaded, launched");
        }
        try {
            return TargetState.fromWire(wire);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid desiredState " + GoQuote.q(wire) + ": must be one of inactive, loaded, launched");
        }
    }

    private static UnitFile validUnit(String name, ApiUnit body) throws ApiException {
        UnitFile unit = UnitOptionsValidator.toUnitFile(body.options());
        XFleetValidation.check(name, unit);
        return unit;
    }

    static String validName(String name) throws ApiException {
        try {
            return UnitName.of(name).full();
        } catch (InvalidUnitNameException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
