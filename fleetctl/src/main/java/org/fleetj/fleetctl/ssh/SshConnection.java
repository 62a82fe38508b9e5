package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.SessionChannel;
import net.schmizz.sshj.connection.channel.direct.Signal;
import org.fleetj.fleetctl.client.api.Connection;
import org.fleetj.fleetctl.client.api.DirectConnector;

/**
 * An authenticated SSH connection to one host (possibly reached through a bastion): runs commands,
 * opens shells, and opens direct-tcpip channels. Closing it does not close the bastion it came through.
 */
public final class SshConnection implements AutoCloseable {
    /** What ssh(1) exits with when the remote side gave no exit status (connection lost, killed by a signal). */
    public static final int NO_EXIT_STATUS = 255;

    private final SSHClient client;
    private final HostAddress address;
    private final long timeoutMillis;

    SshConnection(SSHClient client, HostAddress address, long timeoutMillis) {
        this.client = client;
        this.address = address;
        this.timeoutMillis = timeoutMillis;
    }

    public HostAddress address() {
        return address;
    }

    SSHClient client() {
        return client;
    }

    /**
     * Runs {@code command} (one line for the remote shell) and streams its output here.
     *
     * @param stdin what to send to the command's stdin (until its end, then EOF); null sends EOF at once
     * @return the command's exit status, or {@link #NO_EXIT_STATUS}
     */
    public int run(String command, InputStream stdin, OutputStream out, OutputStream err) {
        return run(command, stdin, Optional.empty(), out, err);
    }

    /** {@link #run(String, InputStream, OutputStream, OutputStream)}, forwarding the agent at {@code forwardAgent} if given. */
    public int run(String command, InputStream stdin, Optional<Path> forwardAgent, OutputStream out, OutputStream err) {
        try (Session session = openSession(forwardAgent)) {
            Session.Command cmd = session.exec(command);
            Thread errors = Pump.start("ssh-stderr", cmd.getErrorStream(), err, null);
            if (stdin == null) cmd.getOutputStream().close();
            else Pump.start("ssh-stdin", stdin, cmd.getOutputStream(), () -> Pump.closeQuietly(cmd.getOutputStream()));
            Pump.copy(cmd.getInputStream(), out);
            Pump.join(errors);
            cmd.join();
            return exitStatus(cmd, err);
        } catch (IOException e) {
            throw new SshException("running '" + command + "' on " + address + ": " + SshConnector.describe(e), e);
        }
    }

    /**
     * An interactive shell: with a pseudo-terminal when {@code pty} is given (the caller puts the local
     * terminal in raw mode), otherwise a plain shell reading {@code in}.
     *
     * @param onStart called once the shell runs, with a way to report local window size changes
     * @return the shell's exit status, or {@link #NO_EXIT_STATUS}
     */
    public int shell(InputStream in, OutputStream out, OutputStream err, Optional<PtyRequest> pty, Optional<Path> forwardAgent,
                     java.util.function.Consumer<WindowResizer> onStart) {
        SessionChannel session = null;
        try {
            session = openSession(forwardAgent);
            if (pty.isPresent()) {
                PtyRequest p = pty.get();
                session.allocatePTY(p.term(), p.columns(), p.rows(), 0, 0, Map.of());
            }
            Session.Shell shell = session.startShell();
            SessionChannel channel = session;
            onStart.accept((columns, rows) -> {
                try {
                    channel.changeWindowDimensions(columns, rows, 0, 0);
                } catch (IOException e) {
                    // the shell is going away; a resize no longer matters
                }
            });
            Thread errors = Pump.start("ssh-stderr", shell.getErrorStream(), err, null);
            Pump.start("ssh-stdin", in, shell.getOutputStream(), () -> Pump.closeQuietly(shell.getOutputStream()));
            Pump.copy(shell.getInputStream(), out);
            Pump.join(errors);
            shell.join();
            return exitStatus(channel, err);
        } catch (IOException e) {
            throw new SshException("shell on " + address + ": " + SshConnector.describe(e), e);
        } finally {
            Pump.closeQuietly(session);
        }
    }

    /** A byte stream to {@code host:port} as seen from this host (direct-tcpip). */
    public Connection directTcp(String host, int port) throws IOException {
        DirectConnection channel = client.newDirectConnection(host, port);
        return Connection.ofStreams(channel.getInputStream(), channel.getOutputStream(), channel);
    }

    /**
     * Like {@link #directTcp} but as a real loopback TCP socket, for callers that need a {@link Socket}
     * (TLS is layered on a socket): a one-connection local listener joined to the channel.
     */
    public Connection directTcpSocket(String host, int port) throws IOException {
        DirectConnection channel = client.newDirectConnection(host, port);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket local = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            Socket bridged = listener.accept();
            Pump.start("tunnel-up", bridged.getInputStream(), channel.getOutputStream(), () -> Pump.closeQuietly(channel));
            Pump.start("tunnel-down", channel.getInputStream(), bridged.getOutputStream(), () -> Pump.closeQuietly(bridged));
            return new DirectConnector.SocketConnection(local);
        } catch (IOException e) {
            Pump.closeQuietly(channel);
            throw e;
        }
    }

    /** A byte stream to a command's stdin/stdout; its stderr goes to {@code err}. */
    public Connection commandStream(String command, OutputStream err) throws IOException {
        Session session = client.startSession();
        try {
            Session.Command cmd = session.exec(command);
            Pump.start("ssh-stderr", cmd.getErrorStream(), err, null);
            return Connection.ofStreams(cmd.getInputStream(), cmd.getOutputStream(), session);
        } catch (IOException e) {
            Pump.closeQuietly(session);
            throw e;
        }
    }

    DirectConnection newDirectConnection(String host, int port) throws IOException {
        return client.newDirectConnection(host, port);
    }

    @Override
    public void close() {
        Pump.closeQuietly(client);
    }

    @Override
    public String toString() {
        return "SSH connection to " + address;
    }

    private SessionChannel openSession(Optional<Path> forwardAgent) throws IOException {
        if (forwardAgent.isEmpty()) return (SessionChannel) client.startSession();
        AgentForwarding.enable(client.getConnection(), forwardAgent.get());
        AgentForwarding.ForwardingSession session = new AgentForwarding.ForwardingSession(client.getConnection(), client.getRemoteCharset());
        session.open();
        session.requestAgentForwarding(timeoutMillis);
        return session;
    }

    private int exitStatus(Session.Command cmd, OutputStream err) {
        Integer status = cmd.getExitStatus();
        if (status != null) return status;
        Signal signal = cmd.getExitSignal();
        if (signal != null) {
            try {
                err.write(("Remote command on " + address + " was killed by signal " + signal + "\n").getBytes(java.nio.charset.Charset.defaultCharset()));
                err.flush();
            } catch (IOException e) {
                // stderr is gone; the exit status still tells
            }
        }
        return NO_EXIT_STATUS;
    }

    /** The remote terminal to ask for. */
    public record PtyRequest(String term, int columns, int rows) {
    }

    /** Tells the remote pseudo-terminal the local window's new size. */
    @FunctionalInterface
    public interface WindowResizer {
        void resize(int columns, int rows);
    }
}
