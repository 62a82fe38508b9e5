package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.SessionChannel;
import net.schmizz.sshj.connection.channel.forwarded.AbstractForwardedChannel;
import net.schmizz.sshj.connection.channel.forwarded.AbstractForwardedChannelOpener;
import net.schmizz.sshj.connection.Connection;
import net.schmizz.sshj.transport.TransportException;

/**
 * ssh-agent forwarding ({@code fleetctl ssh -A}), OpenSSH's protocol extension that sshj lacks: the
 * session asks for it with {@code auth-agent-req@openssh.com}; the server then opens one
 * {@code auth-agent@openssh.com} channel per agent client on the remote side, each joined here to a
 * fresh connection to the local agent socket.
 */
final class AgentForwarding extends AbstractForwardedChannelOpener {
    static final String CHANNEL_TYPE = "auth-agent@openssh.com";
    static final String REQUEST = "auth-agent-req@openssh.com";

    private final Path agentSocket;

    private AgentForwarding(Connection conn, Path agentSocket) {
        super(CHANNEL_TYPE, conn);
        this.agentSocket = agentSocket;
    }

    /** Accepts agent channels on {@code conn} from now on. */
    static void enable(Connection conn, Path agentSocket) {
        if (conn.get(CHANNEL_TYPE) == null) conn.attach(new AgentForwarding(conn, agentSocket));
    }

    @Override
    public void handleOpen(SSHPacket buf) throws ConnectionException, TransportException {
        AgentChannel channel;
        try {
            channel = new AgentChannel(conn, buf.readUInt32AsInt(), buf.readUInt32(), buf.readUInt32());
        } catch (Buffer.BufferException e) {
            throw new ConnectionException(e);
        }
        SocketChannel agent;
        try {
            agent = SocketChannel.open(StandardProtocolFamily.UNIX);
            agent.connect(UnixDomainSocketAddress.of(agentSocket));
        } catch (IOException e) {
            channel.reject(OpenFailException.Reason.CONNECT_FAILED, "cannot reach ssh-agent at " + agentSocket + ": " + e.getMessage());
            return;
        }
        channel.confirm();
        // the remote side's EOF only half-closes towards the agent: its answer may still be on the way back
        daemon("agent-forward-in", () -> SocketChannelPump.toSocket(channel.getInputStream(), agent), () -> { });
        daemon("agent-forward-out", () -> SocketChannelPump.fromSocket(agent, channel.getOutputStream()), () -> {
            Pump.closeQuietly(agent);
            Pump.closeQuietly(channel);
        });
    }

    private interface Copy {
        void run() throws IOException;
    }

    private static void daemon(String name, Copy copy, AutoCloseable closeAtEnd) {
        Thread t = new Thread(() -> {
            try {
                copy.run();
            } catch (IOException e) {
                // one side went away
            } finally {
                Pump.closeQuietly(closeAtEnd);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static final class AgentChannel extends AbstractForwardedChannel {
        AgentChannel(Connection conn, int recipient, long remoteWinSize, long remoteMaxPacketSize) {
            super(conn, CHANNEL_TYPE, recipient, remoteWinSize, remoteMaxPacketSize, "", 0);
        }
    }

    /** A session channel that can ask the server to forward the agent (the request sshj has no method for). */
    static final class ForwardingSession extends SessionChannel {
        ForwardingSession(Connection conn, Charset remoteCharset) {
            super(conn, remoteCharset);
        }

        void requestAgentForwarding(long timeoutMillis) throws ConnectionException, TransportException {
            sendChannelRequest(REQUEST, true, new Buffer.PlainBuffer()).await(timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }
}
