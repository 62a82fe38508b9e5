package org.fleetj.fleetd.daemon;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.fleetj.fleetd.access.AccessHandler;
import org.fleetj.fleetd.api.ApiExtension;
import org.fleetj.fleetd.api.ApiServer;
import org.fleetj.fleetd.api.ApiServerException;
import org.fleetj.fleetd.api.PemTls;
import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.fleetd.ops.OpsHandler;
import org.fleetj.fleetd.ui.DashboardHandler;
import org.fleetj.registry.Registry;

/**
 * What fleetd serves beside fleet's v1 API, in order: the access check (roles from tokens or client
 * certificates), then the journal/status/dashboard endpoints, then fleet's API.
 */
final class OpsExtension {
    private OpsExtension() {
    }

    static ApiExtension of(Registry registry, String machineId, FleetConfig c, String serverHeader) throws ApiServerException {
        Optional<SslContextFactory.Client> relayTls = Optional.empty();
        if (c.listenCertFile().isPresent() && c.listenKeyFile().isPresent()) {
            relayTls = Optional.of(PemTls.clientContext(c.listenCertFile().get(), c.listenKeyFile().get(), c.listenCaFile()));
        }
        Optional<SslContextFactory.Client> tls = relayTls;
        return api -> new AccessHandler(c.access(), c.listenCaFile().isPresent(), serverHeader,
                new OpsHandler(registry, machineId, tls, c.access().clusterSecret(), new DashboardHandler(), api));
    }

    /**
     * The API URL announced to the other fleetds: {@code api_advertise_url}, else the first TCP listener with this
     * machine's public IP in place of a wildcard host; empty without TCP listeners (then journal and status of
     * this machine's units are reachable over SSH only).
     */
    static String advertisedUrl(FleetConfig c, ApiServer api, String publicIp) {
        if (c.access().advertiseUrl().isPresent()) return c.access().advertiseUrl().get();
        List<URI> tcp = api == null ? List.of() : api.tcpEndpoints();
        if (tcp.isEmpty()) return "";
        URI first = tcp.get(0);
        String host = first.getHost();
        boolean wildcard = host == null || host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::");
        if (wildcard) {
            if (publicIp.isEmpty()) return "";
            host = publicIp.indexOf(':') >= 0 ? "[" + publicIp + "]" : publicIp;
        }
        return first.getScheme() + "://" + host + ":" + first.getPort();
    }
}
