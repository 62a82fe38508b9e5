package org.fleetj.fleetd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.support.NameRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /placement} (beyond fleet, so fleet's own entities keep fleet's exact shape): GET the capacity and
 * availability of every live machine and why each waiting unit waits; PUT
 * {@code /placement/machines/<id>} with {@code {"availability":"cordoned"}} (or {@code schedulable},
 * {@code draining}, {@code draining-all}) cordons, drains or uncordons a machine (204).
 */
final class PlacementResource implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementResource.class);
    static final String COLLECTION = "placement";
    private static final String MACHINES = "machines/";

    private final Registry registry;

    PlacementResource(Registry registry) {
        this.registry = registry;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        if (request.path().isEmpty()) {
            request.requireMethod("GET");
            return ApiResponse.json(200, view());
        }
        if (!request.path().startsWith(MACHINES) || request.path().length() == MACHINES.length()) {
            throw ApiException.notFound("resource not found");
        }
        request.requireMethod("PUT");
        String machineId = request.path().substring(MACHINES.length());
        NameRules.machineId(machineId);
        request.requireJson();
        JsonNode body = JsonBodies.read(request.body().read(), JsonNode.class);
        JsonNode value = body.get("availability");
        MachineAvailability a = value == null || !value.isTextual() ? null : parse(value.asText());
        if (a == null) {
            throw ApiException.badRequest("availability must be one of schedulable, cordoned, draining, draining-all");
        }
        registry.setMachineAvailability(machineId, a);
        LOG.info("API: machine {} is now {}", machineId, a.wireName());
        return ApiResponse.noContent(204);
    }

    private static MachineAvailability parse(String text) {
        for (MachineAvailability a : MachineAvailability.values()) {
            if (a.wireName().equals(text)) return a;
        }
        return null;
    }

    private Map<String, Object> view() {
        List<Map<String, Object>> machines = new ArrayList<>();
        for (MachineState m : registry.machines()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", m.id());
            entry.put("cpuMillis", m.capacity().cpuMillis());
            entry.put("memoryBytes", m.capacity().memoryBytes());
            entry.put("availability", m.availability().wireName());
            machines.add(entry);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("machines", machines);
        out.put("waiting", new java.util.TreeMap<>(registry.waitReasons()));
        return out;
    }
}
