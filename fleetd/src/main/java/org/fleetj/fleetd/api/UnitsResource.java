package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.fleetj.api.ApiUnit;
import org.fleetj.registry.Job;
import org.fleetj.registry.NoSuchUnitException;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.UnitExistsException;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.WriteOutcomeUnknownException;
import org.fleetj.unit.InvalidUnitNameException;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /units} (GET: a page of units) and {@code /units/<name>} (GET, PUT, DELETE), answering as fleet v1.0.
 *
 * <p>PUT, in fleet's order: exactly one Content-Type, application/json (415); the body decodes (400); the name is
 * valid (400) and equals any name in the body (400). Then:
 * <ul>
 *   <li>a new unit needs options (409 "unit does not exist and options field empty"); without desiredState it is
 *       created inactive; 201;</li>
 *   <li>an existing unit given options whose hash differs is replaced: the unit file changes, the job and its
 *       placement stay, the desired state is the one given or inactive, as fleet does; 201;</li>
 *   <li>otherwise the desired state is set (204), and it is required (409 "must provide DesiredState to update
 *       existing unit").</li>
 * </ul>
 * A template ({@code foo@.service}) cannot be loaded or launched (400 "cannot activate template"). An unknown
 * desiredState is refused with 400 (fleet stored it and then could not read the unit back: see README, "Where we
 * differ").
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
        String name = request.path();
        if (name.isEmpty()) {
            request.requireMethod("GET");
            return list(request);
        }
        return switch (request.method()) {
            case "GET" -> get(name);
            case "PUT" -> put(name, request);
            case "DELETE" -> delete(name);
            default -> throw ApiException.methodNotAllowed("only GET, PUT and DELETE supported against this resource");
        };
    }

    /**
     * A page reads what it shows: the names of all jobs (keys only) place it, then only its jobs and their states are
     * read. A client that waits on a thousand units reads every page every few tens of milliseconds (fleetctl's
     * {@code start}), and reading every job and state for each page made the API's CPU grow with pages × units. The
     * first page still reads every job, for the records that cannot be read, which it lists (beyond fleet). Pages are
     * positioned among all jobs, readable or not, so that the first page and the others agree.
     */
    private ApiResponse list(ApiRequest request) throws ApiException {
        String token = request.single("nextPageToken", PageToken.TOO_MANY).orElse(null);
        List<UnreadableRecord> unreadable = new ArrayList<>();
        Map<String, Job> everyJob = new HashMap<>();
        List<String> names;
        if (token == null) {
            registry.jobs(unreadable::add).forEach(j -> everyJob.put(j.name(), j));
            TreeSet<String> all = new TreeSet<>(everyJob.keySet());
            unreadable.forEach(r -> all.add(r.name()));
            names = new ArrayList<>(all);
        } else {
            names = registry.jobNames();
        }
        PageToken.Page<String> page = PageToken.page(names, token, tokenLimit);
        List<Job> jobs = token == null
                ? page.items().stream().map(everyJob::get).filter(Objects::nonNull).toList()
                : registry.jobs(page.items(), r -> { });
        UnitViews.StateIndex states = new UnitViews.StateIndex(registry.unitStates(page.items()));
        List<ApiUnit> units = new ArrayList<>(jobs.size());
        for (Job job : jobs) units.add(views.listed(job, states));
        return ApiResponse.json(200, new Pages.UnitPage(units, page.nextToken(), Pages.unreadable(token, unreadable)));
    }

    /** A name that is not a valid unit name is simply not found, as in fleet (only PUT explains why it is invalid). */
    private ApiResponse get(String name) throws ApiException {
        Job job = registry.job(name).orElseThrow(() -> ApiException.notFound("unit does not exist"));
        return ApiResponse.json(200, views.view(job, new UnitViews.StateIndex(registry.unitStates())));
    }

    private ApiResponse delete(String name) throws ApiException {
        boolean destroyed;
        try {
            destroyed = registry.destroyJob(name);
        } catch (WriteOutcomeUnknownException e) {
            // etcd did not confirm in time: read it back, so that a destroy that happened is answered as done
            if (registry.job(name).isPresent()) throw e;
            LOG.info("API: destroy of unit {} was not confirmed in time, but the unit is gone", name);
            destroyed = true;
        }
        if (!destroyed) throw ApiException.notFound("unit does not exist");
        LOG.info("API: destroyed unit {}", name);
        return ApiResponse.noContent(204);
    }

    private ApiResponse put(String name, ApiRequest request) throws ApiException {
        request.requireJson();
        ApiUnit body = JsonBodies.read(request.body().read(), ApiUnit.class);
        UnitName unitName = validName(name);
        if (body.name() != null && !body.name().isEmpty() && !body.name().equals(name)) {
            throw ApiException.badRequest(String.format("name in URL %s differs from unit name in request body %s",
                    GoQuote.q(name), GoQuote.q(body.name())));
        }
        Optional<TargetState> given = desiredState(body.desiredState());
        if (unitName.isTemplate() && given.isPresent() && given.get() != TargetState.INACTIVE) {
            throw ApiException.badRequest("cannot activate template " + GoQuote.q(name));
        }
        UnitFile unit = body.options().isEmpty() ? null : validUnit(name, body);
        TargetState desired = given.orElse(TargetState.INACTIVE);
        WriteOutcomeUnknownException unconfirmed = null;
        // two rounds: a concurrent create or destroy between our writes moves us to the other path, and a create or
        // replace etcd did not confirm, read back and found not applied, is tried again (both are idempotent)
        for (int attempt = 0; attempt < 2; attempt++) {
            // The two writes fleetctl sends for every unit it starts go straight to etcd: reading the job first
            // reads every schedule key too (to find its machine), which made each request cost O(units) once
            // hundreds were scheduled. Each write is conditional, so a unit that exists (or is gone) lands below.
            if (unit != null) {
                try {
                    registry.createJob(name, unit, desired);
                    LOG.info("API: created unit {} ({}) with desired state {}", name, unit.hash().shortForm(), desired);
                    return ApiResponse.noContent(201);
                } catch (UnitExistsException e) {
                    // it exists: replaced or modified below (or our own earlier create, applied late: read back below)
                } catch (WriteOutcomeUnknownException e) {
                    unconfirmed = e;
                    if (readBackAsWritten(name, unit, desired, "create", e)) return ApiResponse.noContent(201);
                    continue; // not applied: the next round creates it again
                }
            } else if (given.isPresent()) {
                if (setDesiredState(name, desired)) return stateSet(name, desired);
                throw new ApiException(409, "unit does not exist and options field empty");
            }
            Optional<Job> existing = registry.job(name);
            if (existing.isPresent()) {
                if (unit != null && !unit.hash().equals(existing.get().unit().hash())) {
                    try {
                        registry.replaceJob(name, unit, desired);
                        LOG.info("API: unit {} replaced with unit file {} (desired state {})", name, unit.hash().shortForm(), desired);
                        return ApiResponse.noContent(201);
                    } catch (NoSuchUnitException e) {
                        continue;
                    } catch (WriteOutcomeUnknownException e) {
                        unconfirmed = e;
                        if (readBackAsWritten(name, unit, desired, "replace", e)) return ApiResponse.noContent(201);
                        continue;
                    }
                }
                if (unconfirmed != null && unit != null && existing.get().desiredState() == desired) {
                    return ApiResponse.noContent(201); // our own unconfirmed create or replace, applied after all
                }
                if (given.isEmpty()) throw new ApiException(409, "must provide DesiredState to update existing unit");
                if (setDesiredState(name, desired)) return stateSet(name, desired);
                continue;
            }
            if (unit == null) throw new ApiException(409, "unit does not exist and options field empty");
            // destroyed since the create above found it: the next round creates it
        }
        if (unconfirmed != null) throw unconfirmed;
        throw new ApiException(409, "unit " + GoQuote.q(name) + " was changed concurrently; retry the request");
    }

    /**
     * After a create or replace etcd did not confirm in time: whether the unit now holds exactly what was written (its
     * unit file and desired state), i.e. the write was applied. A read-back that fails too leaves the outcome unknown:
     * the original 503 ("may have been applied") is answered.
     */
    private boolean readBackAsWritten(String name, UnitFile unit, TargetState desired, String what, WriteOutcomeUnknownException e) {
        Optional<Job> now;
        try {
            now = registry.job(name);
        } catch (RegistryException readBack) {
            LOG.warn("API: {} of unit {} was not confirmed in time and could not be read back: {}", what, name, readBack.getMessage());
            throw e;
        }
        boolean applied = now.map(j -> j.unit().hash().equals(unit.hash()) && j.desiredState() == desired).orElse(false);
        LOG.info("API: {} of unit {} was not confirmed in time; read back, it was {}", what, name,
                applied ? "applied" : "not applied (trying again)");
        return applied;
    }

    private static ApiResponse stateSet(String name, TargetState desired) {
        LOG.info("API: unit {} desired state set to {}", name, desired);
        return ApiResponse.noContent(204);
    }

    /** Sets the desired state; a write etcd did not confirm in time is read back, and answered as done if it was. */
    private boolean setDesiredState(String name, TargetState desired) {
        try {
            return registry.setDesiredState(name, desired);
        } catch (WriteOutcomeUnknownException e) {
            if (registry.job(name).map(j -> j.desiredState() == desired).orElse(false)) return true;
            throw e;
        }
    }

    /** Empty when not given; fleet's three words otherwise (400 naming the value). */
    private static Optional<TargetState> desiredState(String wire) throws ApiException {
        if (wire == null || wire.isEmpty()) return Optional.empty();
        try {
            return Optional.of(TargetState.fromWire(wire));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid desiredState " + GoQuote.q(wire) + ": must be one of inactive, loaded, launched");
        }
    }

    private static UnitFile validUnit(String name, ApiUnit body) throws ApiException {
        UnitFile unit = UnitOptionsValidator.toUnitFile(body.options());
        XFleetValidation.check(name, unit);
        return unit;
    }

    static UnitName validName(String name) throws ApiException {
        try {
            return UnitName.of(name);
        } catch (InvalidUnitNameException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
