package org.fleetj.fleetd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fleetj.api.ApiMachine;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /machines}: GET a page of live machines; PATCH their dynamic metadata (JSON Patch, 204). */
final class MachinesResource implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(MachinesResource.class);
    static final String COLLECTION = "machines";

    private final Registry registry;
    private final int tokenLimit;

    MachinesResource(Registry registry, int tokenLimit) {
        this.registry = registry;
        this.tokenLimit = tokenLimit;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        if (!request.path().isEmpty()) throw ApiException.notFound("resource not found");
        return switch (request.method()) {
            case "GET" -> list(request);
            case "PATCH" -> patch(request);
            default -> throw ApiException.methodNotAllowed("only GET and PATCH supported against this resource");
        };
    }

    private ApiResponse list(ApiRequest request) throws ApiException {
        List<MachineState> machines = new ArrayList<>(registry.machines());
        machines.sort(Comparator.comparing(MachineState::id));
        PageToken.Page<MachineState> page = PageToken.page(COLLECTION, machines, MachineState::id,
                request.single("nextPageToken").orElse(null), tokenLimit);
        List<ApiMachine> out = new ArrayList<>(page.items().size());
        for (MachineState m : page.items()) out.add(new ApiMachine(m.id(), m.publicIp(), m.metadata()));
        return ApiResponse.json(200, new Pages.MachinePage(out, page.nextToken()));
    }

    private ApiResponse patch(ApiRequest request) throws ApiException {
        request.requireJson(ApiJson.CONTENT_TYPE, "application/json-patch+json");
        MetadataPatch patch = MetadataPatch.parse(JsonBodies.read(request.body().read(), JsonNode.class));
        for (MetadataPatch.Change c : patch.changes()) {
            registry.setMachineMetadata(c.machineId(), c.key(), c.value());
            LOG.info("API: machine {} metadata {} {}", c.machineId(), c.key(), c.value() == null ? "removed" : "set to " + c.value());
        }
        return ApiResponse.noContent(204);
    }
}
