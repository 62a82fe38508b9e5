package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.SshHooks;
import org.fleetj.fleetctl.client.Endpoint;
import org.fleetj.fleetctl.client.api.Connection;
import org.fleetj.fleetctl.client.api.Connector;

/**
 * {@code --tunnel} for the API driver, registered as a service: every request goes through the bastion —
 * to an {@code http(s)://} endpoint by a direct-tcpip channel (the endpoint's host as the bastion sees
 * it), to a {@code unix://} endpoint by running {@code fleetctl fd-forward <socket>} on the bastion.
 */
public final class SshTunnelConnectorFactory implements SshHooks.TunnelConnectorFactory {

    @Override
    public Connector create(Session session) {
        return new TunnelConnector(session);
    }

    private static final class TunnelConnector implements Connector {
        private final Session session;

        TunnelConnector(Session session) {
            this.session = session;
        }

        @Override
        public Connection connect(Endpoint endpoint, int timeoutMillis) throws IOException {
            SshConnection bastion;
            try {
                bastion = SshSupport.of(session).bastion();
            } catch (SshException e) {
                throw new IOException("tunnel " + session.options().tunnel() + ": " + e.getMessage(), e);
            }
            try {
                if (endpoint.isUnix()) {
                    return bastion.commandStream(RemoteCommand.fdForward(endpoint.path()).shellText(), session.err());
                }
                if (endpoint.isTls()) return bastion.directTcpSocket(endpoint.host(), endpoint.port());
                return bastion.directTcp(endpoint.host(), endpoint.port());
            } catch (IOException e) {
                String target = endpoint.isUnix() ? endpoint.path() : endpoint.hostPort();
                throw new IOException("tunnel " + bastion.address() + " to " + target + ": " + SshConnector.describe(e), e);
            }
        }
    }
}
