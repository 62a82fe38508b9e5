package org.fleetj.fleetctl.client.api;

import java.io.IOException;
import org.fleetj.fleetctl.client.Endpoint;

/**
 * Opens a byte stream to an API endpoint. {@link DirectConnector} dials it from here; {@code --tunnel}
 * plugs in a connector that goes through an SSH bastion (for a unix endpoint by running
 * {@code fleetctl fd-forward <socket>} there, for a TCP endpoint by a direct-tcpip channel).
 * TLS for {@code https} endpoints is added on top by the API client, not by the connector.
 */
@FunctionalInterface
public interface Connector {
    /** @param timeoutMillis connect timeout; positive */
    Connection connect(Endpoint endpoint, int timeoutMillis) throws IOException;
}
