package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Copies between streams and a (unix) socket channel with the channel's own read/write, which may run
 * at the same time on two threads. ({@code Channels.newInputStream}/{@code newOutputStream} serialise
 * both directions on the channel's blocking lock in Java 17, so a blocked read would stall every write.)
 * No SSH classes: {@code fd-forward} uses it too.
 */
public final class SocketChannelPump {
    private static final int CHUNK = 16 * 1024;

    private SocketChannelPump() {
    }

    /** Stream to socket until the stream ends; then half-closes the socket's output. */
    public static void toSocket(InputStream in, SocketChannel socket) throws IOException {
        byte[] buf = new byte[CHUNK];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) socket.write(b);
            }
        } finally {
            try {
                socket.shutdownOutput();
            } catch (IOException e) {
                // the socket is already closed
            }
        }
    }

    /** Socket to stream until the socket's peer closes, flushing every chunk. */
    public static void fromSocket(SocketChannel socket, OutputStream out) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(CHUNK);
        while (socket.read(b) >= 0) {
            if (b.position() == 0) continue;
            out.write(b.array(), 0, b.position());
            out.flush();
            b.clear();
        }
    }
}
