package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.SshHooks;
import org.fleetj.fleetctl.client.FleetClientException;

/**
 * {@code --tunnel} for clients that open their own TCP connections (the etcd driver's gRPC channel): a listener
 * on this host's loopback whose every connection is carried through the bastion to {@code host:port} as the
 * bastion sees it (direct-tcpip). Listeners and their connections end with the fleetctl invocation.
 */
public final class SshLocalForwarding implements SshHooks.LocalForwarder {

    @Override
    public InetSocketAddress forward(Session session, String host, int port) {
        return session.extension(Listeners.class, s -> new Listeners()).open(SshSupport.of(session), host, port);
    }

    /** The listeners of one invocation. */
    static final class Listeners implements AutoCloseable {
        private final List<ServerSocket> sockets = new ArrayList<>();

        synchronized InetSocketAddress open(SshSupport ssh, String host, int port) {
            SshConnection bastion = ssh.bastion();
            try {
                ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                sockets.add(listener);
                Thread t = new Thread(() -> accept(listener, bastion, host, port), "tunnel-listener-" + host + ":" + port);
                t.setDaemon(true);
                t.start();
                return (InetSocketAddress) listener.getLocalSocketAddress();
            } catch (IOException e) {
                throw new FleetClientException("tunnel " + bastion.address() + " to " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }

        private static void accept(ServerSocket listener, SshConnection bastion, String host, int port) {
            while (!listener.isClosed()) {
                Socket local;
                try {
                    local = listener.accept();
                } catch (IOException e) {
                    return;   // closed with the invocation
                }
                try {
                    DirectConnection channel = bastion.newDirectConnection(host, port);
                    Pump.start("tunnel-up", local.getInputStream(), channel.getOutputStream(), () -> Pump.closeQuietly(channel));
                    Pump.start("tunnel-down", channel.getInputStream(), local.getOutputStream(), () -> Pump.closeQuietly(local));
                } catch (IOException e) {
                    // the client sees its connection closed and reports the endpoint as unreachable
                    Pump.closeQuietly(local);
                }
            }
        }

        @Override
        public synchronized void close() {
            sockets.forEach(Pump::closeQuietly);
            sockets.clear();
        }
    }
}
