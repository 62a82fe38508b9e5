package org.fleetj.fleetctl.client.api;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A pair of streams as a {@link Connection}, closed by closing what carries them (a unix socket channel, an SSH
 * session or direct-tcpip channel). The one adapter for every stream-only way to reach fleetd's API.
 */
final class StreamConnection implements Connection {
    private final InputStream in;
    private final OutputStream out;
    private final AutoCloseable carrier;

    StreamConnection(InputStream in, OutputStream out, AutoCloseable carrier) {
        this.in = in;
        this.out = out;
        this.carrier = carrier;
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void close() {
        try {
            carrier.close();
        } catch (Exception e) {
            // closing a stream we are done with: nothing useful to report
        }
    }
}
