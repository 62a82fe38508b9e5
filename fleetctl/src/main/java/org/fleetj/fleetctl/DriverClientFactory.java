package org.fleetj.fleetctl;

import org.fleetj.fleetctl.client.Endpoint;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.api.ApiFleetClient;
import org.fleetj.fleetctl.client.api.Connector;
import org.fleetj.fleetctl.client.api.DirectConnector;
import org.fleetj.fleetctl.client.api.TlsFiles;
import org.fleetj.fleetctl.client.etcd.EtcdDriver;

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
                    return EtcdDriver.open(options.endpoint(), options.etcdKeyPrefix(),
                            new TlsFiles(options.caFile(), options.certFile(), options.keyFile()),
                            options.requestTimeoutMillis(), options.tunnel());
                default:
                    throw new FleetClientException("unrecognized driver \"" + options.driverFlag() + "\"");
            }
        } catch (FleetClientException | IllegalStateException e) {
            throw new ClientInitException(e.getMessage(), e);
        }
    }

    private static FleetClient api(Session session, GlobalOptions options) {
        Endpoint endpoint = Endpoint.parseForApi(options.endpoint(), session.err()::println);
        Connector connector = options.tunnel().isEmpty() ? new DirectConnector() : SshHooks.tunnelConnector(session);
        session.debug("API driver: " + endpoint.baseUrl() + (endpoint.isUnix() ? " via " + endpoint.path() : "")
                + (options.tunnel().isEmpty() ? "" : " through tunnel " + options.tunnel()));
        return new ApiFleetClient(endpoint, connector, (int) Math.min(Integer.MAX_VALUE, options.requestTimeoutMillis()),
                new TlsFiles(options.caFile(), options.certFile(), options.keyFile()));
    }
}
