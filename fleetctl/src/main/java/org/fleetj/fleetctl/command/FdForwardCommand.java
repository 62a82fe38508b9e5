package org.fleetj.fleetctl.command;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.ssh.SocketChannelPump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * fleet's internal proxy between stdin/stdout and a unix socket: what {@code --tunnel} runs on the
 * bastion to reach fleetd's socket there. Writes nothing but the socket's bytes to stdout.
 */
@Command(name = "fd-forward", description = "Proxy stdin and stdout to a unix domain socket (used internally by --tunnel).")
public final class FdForwardCommand extends FleetCommand {
    @Parameters(paramLabel = "SOCKET", arity = "0..*")
    List<String> sockets = List.of();

    @Override
    protected int run(Session session) {
        if (sockets.size() != 1) {
            session.err().println("Provide a single argument: the path of the unix socket to forward to");
            return 1;
        }
        String path = sockets.get(0);
        SocketChannel socket;
        try {
            socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException | RuntimeException e) {
            session.err().println("Unable to connect to unix socket " + path + ": " + e.getMessage());
            return 1;
        }
        try (socket) {
            Thread up = new Thread(() -> {
                try {
                    SocketChannelPump.toSocket(session.in(), socket);
                } catch (IOException e) {
                    // the socket closed first: the downstream copy ends too
                }
            }, "fd-forward-stdin");
            up.setDaemon(true);
            up.start();
            SocketChannelPump.fromSocket(socket, session.out());
            return 0;
        } catch (IOException e) {
            session.err().println("Forwarding to " + path + " failed: " + e.getMessage());
            return 1;
        }
    }
}
