package org.fleetj.fleetctl.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.fleetj.fleetctl.Fleetctl;
import org.junit.jupiter.api.Test;

/** fd-forward against a real unix socket server: what the client sends arrives, what the server answers is printed. */
class FdForwardCommandTest {

    @Test
    void proxiesStdinAndStdoutToTheSocket() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "fdfwd-");
        Path socket = dir.resolve("s.sock");
        AtomicReference<String> received = new AtomicReference<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread peer = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(1024);
                    // read until the client's half-close (fd-forward's stdin ended)
                    while (c.read(in) >= 0) { }
                    String request = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
                    received.set(request);
                    c.write(ByteBuffer.wrap(("echo:" + request).getBytes(StandardCharsets.UTF_8)));
                } catch (Exception e) {
                    received.set("server failed: " + e);
                }
            });
            peer.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = Fleetctl.run(new String[] {"fd-forward", socket.toString()}, Map.of(),
                    new ByteArrayInputStream("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    s -> { throw new AssertionError("fd-forward needs no cluster client"); });
            peer.join(10_000);
            assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
            assertEquals("GET / HTTP/1.1\r\n\r\n", received.get());
            assertEquals("echo:GET / HTTP/1.1\r\n\r\n", out.toString(StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aMissingSocketIsAClearError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Fleetctl.run(new String[] {"fd-forward", "/nonexistent/fleet.sock"}, Map.of(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                s -> { throw new AssertionError("no client"); });
        assertEquals(1, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Unable to connect to unix socket /nonexistent/fleet.sock"),
                err.toString(StandardCharsets.UTF_8));
    }
}
