package org.fleetj.fleetd.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fleetj.api.ApiMachine;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /machines}: GET a page of live machines; PATCH their dynamic metadata in fleet's format (204). */
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
        String token = request.single("nextPageToken", PageToken.TOO_MANY).orElse(null);
        List<UnreadableRecord> unreadable = new ArrayList<>();
        List<MachineState> machines = new ArrayList<>(registry.machines(unreadable::add));
        machines.sort(Comparator.comparing(MachineState::id));
        PageToken.Page<MachineState> page = PageToken.page(machines, token, tokenLimit);
        List<ApiMachine> out = new ArrayList<>(page.items().size());
        for (MachineState m : page.items()) out.add(new ApiMachine(m.id(), m.publicIp(), m.metadata()));
        return ApiResponse.json(200, new Pages.MachinePage(out, page.nextToken(), Pages.unreadable(token, unreadable)));
    }

    /** fleet reads the body whatever its Content-Type, validates every operation, then applies them in order. */
    private ApiResponse patch(ApiRequest request) throws ApiException {
        MetadataPatch patch = MetadataPatch.parse(request.body().read());
        for (MetadataPatch.Change c : patch.changes()) {
            registry.setMachineMetadata(c.machineId(), c.key(), c.value());
            LOG.info("API: machine {} metadata {} {}", c.machineId(), c.key(), c.value() == null ? "removed" : "set to " + c.value());
        }
        return new ApiResponse(204, ApiJson.CONTENT_TYPE, ApiResponse.EMPTY);
    }
}
