package org.fleetj.fleetctl.client.api;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** A byte stream to fleetd's API, however it was reached (unix socket, TCP, SSH tunnel). */
public interface Connection extends Closeable {
    InputStream input();

    OutputStream output();

    /**
     * The TCP socket under this connection when there is one, so {@code https} can be layered on it;
     * null for unix sockets and stream-only tunnels.
     */
    default Socket socket() {
        return null;
    }

    /** {@code in} and {@code out} as a connection that closes {@code carrier} (a channel, an SSH session). */
    static Connection ofStreams(InputStream in, OutputStream out, AutoCloseable carrier) {
        return new StreamConnection(in, out, carrier);
    }

    /** Closing also unblocks a pending read (used for the request timeout). */
    @Override
    void close();
}
