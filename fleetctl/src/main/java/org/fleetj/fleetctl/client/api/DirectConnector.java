package org.fleetj.fleetctl.client.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import org.fleetj.fleetctl.client.Endpoint;

/** Dials the endpoint from this machine: a unix-domain {@link SocketChannel} or a TCP {@link Socket}. */
public final class DirectConnector implements Connector {

    @Override
    public Connection connect(Endpoint endpoint, int timeoutMillis) throws IOException {
        if (endpoint.isUnix()) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(endpoint.path()));
            } catch (IOException e) {
                channel.close();
                throw new IOException("dial unix " + endpoint.path() + ": connect: " + lowerFirst(e.getMessage()), e);
            }
            return Connection.ofStreams(Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
        }
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMillis);
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            socket.close();
            throw new IOException("dial tcp " + endpoint.hostPort() + ": " + lowerFirst(e.getMessage()), e);
        }
        return new SocketConnection(socket);
    }

    private static String lowerFirst(String s) {
        if (s == null || s.isEmpty()) return "connection failed";
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** A TCP socket (or an SSL socket layered on one). */
    public static final class SocketConnection implements Connection {
        private final Socket socket;

        public SocketConnection(Socket socket) {
            this.socket = socket;
        }

        @Override
        public InputStream input() {
            try {
                return socket.getInputStream();
            } catch (IOException e) {
                throw new IllegalStateException("socket closed", e);
            }
        }

        @Override
        public OutputStream output() {
            try {
                return socket.getOutputStream();
            } catch (IOException e) {
                throw new IllegalStateException("socket closed", e);
            }
        }

        @Override
        public Socket socket() {
            return socket;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a socket we are done with: nothing useful to report
            }
        }
    }
}
