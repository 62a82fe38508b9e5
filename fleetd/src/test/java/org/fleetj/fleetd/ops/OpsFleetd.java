package org.fleetj.fleetd.ops;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fleetj.fleetd.access.AccessConfig;
import org.fleetj.fleetd.access.AccessHandler;
import org.fleetj.fleetd.access.Role;
import org.fleetj.fleetd.api.ApiConfig;
import org.fleetj.fleetd.api.ApiServer;
import org.fleetj.fleetd.api.ApiServerException;
import org.fleetj.fleetd.api.SocketActivation;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.fleetd.ui.DashboardHandler;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.unit.Resources;

/**
 * One fleetd's API server as fleetd assembles it (access check, ops endpoints, fleet's v1 API) on a loopback TCP
 * port, over a shared registry, joined as machine {@code id} with its API URL announced.
 */
final class OpsFleetd implements AutoCloseable {
    static final String WRITE_TOKEN = "write-token-0123456789";
    static final String READ_TOKEN = "read-token-0123456789";
    static final String CLUSTER_SECRET = "cluster-secret-0123456789";
    static final AccessConfig ACCESS = new AccessConfig(Map.of(WRITE_TOKEN, Role.WRITE, READ_TOKEN, Role.READ), Set.of(),
            Optional.of(CLUSTER_SECRET), Optional.empty());

    final String id;
    final ApiServer server;
    final MachinePresence presence;
    OpsHandler ops;

    OpsFleetd(Registry registry, String id, int maxStreams, Duration writeStall) throws ApiServerException {
        this.id = id;
        ApiConfig config = ApiConfig.builder("0.1.0-test").noSocket().listen("http://127.0.0.1:0").build();
        server = new ApiServer(registry, config, new FleetMetrics(), SocketActivation.none(), api -> {
            ops = new OpsHandler(registry, id, Optional.empty(), ACCESS.clusterSecret(), new DashboardHandler(), api, maxStreams, writeStall);
            return new AccessHandler(ACCESS, false, config.serverHeader(), ops);
        });
        server.start();
        presence = registry.join(new MachineState(id, "127.0.0.1", Map.of(), "0.1.0-test", Resources.NONE,
                MachineAvailability.SCHEDULABLE, url().toString()), "host-" + id, Duration.ofSeconds(30));
    }

    URI url() {
        return server.tcpEndpoints().get(0);
    }

    @Override
    public void close() {
        presence.close();
        server.close();
    }
}
