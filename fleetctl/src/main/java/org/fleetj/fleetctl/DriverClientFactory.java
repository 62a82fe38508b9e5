package org.fleetj.fleetctl;

import org.fleetj.fleetctl.client.Endpoint;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.api.ApiFleetClient;
import org.fleetj.fleetctl.client.api.Connector;
import org.fleetj.fleetctl.client.api.DirectConnector;
import org.fleetj.fleetctl.client.api.TlsFiles;
import org.fleetj.fleetctl.client.etcd.EtcdDriver;
import org.fleetj.fleetctl.client.etcd.EtcdListClient;

/**
 * Chooses the driver from {@code --driver}: the API over {@code --endpoint} (default), or etcd through
 * the registry. The etcd branch is the only reference to {@link EtcdDriver}, so the API path never loads
 * jetcd, gRPC or Netty.
 */
public final class DriverClientFactory implements ClientFactory {

    @Override
    public FleetClient create(Session session) {
        GlobalOptions options = session.options();
        try {
            switch (options.driver()) {
                case "api":
                    return api(session, options);
                case "etcd":
                    return etcd(session, options);
                default:
                    throw new FleetClientException("unrecognized driver \"" + options.driverFlag() + "\"");
            }
        } catch (FleetClientException | IllegalStateException e) {
            throw new ClientInitException(e.getMessage(), e);
        }
    }

    /**
     * For the quick path's list commands with {@code --driver=etcd} (no {@code --tunnel}): the light reader of etcd's
     * JSON gateway, which loads no jetcd and hands anything it cannot answer to the jetcd driver; otherwise as
     * {@link #create}.
     */
    @Override
    public FleetClient createForLists(Session session) {
        GlobalOptions options = session.options();
        if (!"etcd".equals(options.driver()) || !options.tunnel().isEmpty()) return create(session);
        TlsFiles tls = new TlsFiles(options.caFile(), options.certFile(), options.keyFile());
        return EtcdListClient.open(options.endpoint(), options.etcdKeyPrefix(), tls, options.requestTimeoutMillis(),
                () -> create(session), session::debug).orElseGet(() -> create(session));
    }

    /**
     * The etcd driver; with {@code --tunnel}, each etcd URL is replaced by a loopback listener whose connections go
     * through the bastion to that URL's host and port as the bastion sees them (fleet's etcd driver tunnelled too).
     */
    private static FleetClient etcd(Session session, GlobalOptions options) {
        TlsFiles tls = new TlsFiles(options.caFile(), options.certFile(), options.keyFile());
        if (options.tunnel().isEmpty()) {
            return EtcdDriver.open(options.endpoint(), options.etcdKeyPrefix(), tls, options.requestTimeoutMillis(), null);
        }
        java.util.List<String> local = new java.util.ArrayList<>();
        String authority = null;
        for (String url : options.endpoint().split(",")) {
            if (url.isBlank()) continue;
            java.net.URI uri;
            try {
                uri = java.net.URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                throw new FleetClientException("--driver=etcd: etcd endpoint \"" + url.trim() + "\" is not a URL: " + e.getMessage(), e);
            }
            if (uri.getHost() == null || uri.getPort() <= 0 || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new FleetClientException("--driver=etcd: etcd endpoint \"" + url.trim() + "\" must look like http(s)://host:port");
            }
            java.net.InetSocketAddress end = SshHooks.tunnelForward(session, uri.getHost(), uri.getPort());
            local.add(uri.getScheme() + "://" + end.getAddress().getHostAddress() + ":" + end.getPort());
            if (authority == null) authority = uri.getHost();
            session.debug("etcd driver: " + uri + " through tunnel " + options.tunnel() + " at " + local.get(local.size() - 1));
        }
        return EtcdDriver.open(String.join(",", local), options.etcdKeyPrefix(), tls, options.requestTimeoutMillis(), authority);
    }

    private static FleetClient api(Session session, GlobalOptions options) {
        Endpoint endpoint = Endpoint.parseForApi(options.endpoint(), session.err()::println);
        Connector connector = options.tunnel().isEmpty() ? new DirectConnector() : SshHooks.tunnelConnector(session);
        session.debug("API driver: " + endpoint.baseUrl() + (endpoint.isUnix() ? " via " + endpoint.path() : "")
                + (options.tunnel().isEmpty() ? "" : " through tunnel " + options.tunnel()));
        return new ApiFleetClient(endpoint, connector, (int) Math.min(Integer.MAX_VALUE, options.requestTimeoutMillis()),
                new TlsFiles(options.caFile(), options.certFile(), options.keyFile()), options.apiToken());
    }
}
