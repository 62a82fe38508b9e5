package org.fleetj.fleetctl.command;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.ssh.HostAddress;
import org.fleetj.fleetctl.ssh.MachineCommands;
import org.fleetj.fleetctl.ssh.RemoteCommand;
import org.fleetj.fleetctl.ssh.SshConnection;
import org.fleetj.fleetctl.ssh.SshException;
import org.fleetj.fleetctl.ssh.SshSupport;
import org.fleetj.fleetctl.ssh.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * An SSH session on a machine of the cluster, named by machine id (prefix) or by a unit it runs. With a
 * command, runs it and exits with its status; without, an interactive shell — with a pseudo-terminal and
 * the local terminal in raw mode when stdin is a terminal. SSH failures exit 255, as ssh(1).
 */
@Command(name = "ssh", description = {
        "Open an interactive shell on a machine in the cluster, or run a command there and exit with its status.",
        "The argument is a machine ID (a prefix will do) or a unit name (its machine); --machine or --unit say which.",
        "Examples: fleetctl ssh 2444264c; fleetctl --tunnel 10.10.10.10 ssh foo.service; fleetctl ssh foo.service -- journalctl -n 5",
        "This command does not work with global units."})
public final class SshCommand extends FleetCommand {
    @Option(names = {"-A", "--forward-agent"}, description = "Forward local ssh-agent to target machine.")
    boolean forwardAgent;

    @Option(names = "--ssh-port", paramLabel = "N", defaultValue = "22", description = "Connect to remote hosts over SSH using this TCP port (default 22).")
    int sshPort;

    @Option(names = {"-m", "--machine"}, paramLabel = "ID", description = "Open SSH connection to a specific machine.")
    String machine;

    @Option(names = {"-u", "--unit"}, paramLabel = "NAME", description = "Open SSH connection to machine running provided unit.")
    String unit;

    @Parameters(paramLabel = "MACHINE|UNIT [--] [COMMAND...]", arity = "0..*")
    List<String> args = List.of();

    @Override
    protected int run(Session session) {
        SshTarget target;
        try {
            target = SshTarget.resolve(machine, unit, args, session.machines(), name -> session.client().unit(name));
        } catch (CommandFailedException e) {
            session.err().println(e.getMessage());
            return 1;
        }
        String ip = target.machine().primaryIP();
        if (ip == null || ip.isEmpty()) {
            session.err().println("Could not determine address of machine.");
            return 1;
        }
        Optional<Path> agent = Optional.empty();
        if (forwardAgent) {
            String sock = session.env("SSH_AUTH_SOCK");
            if (sock == null) session.err().println("Agent forwarding requested, but SSH_AUTH_SOCK is not set: not forwarding.");
            else agent = Optional.of(Path.of(sock));
        }
        SshConnection connection;
        try {
            connection = SshSupport.of(session).connect(new HostAddress(ip, sshPort));
        } catch (SshException | IllegalArgumentException e) {
            session.err().println(e.getMessage() != null && e.getMessage().indexOf('\n') >= 0 ? e.getMessage()
                    : "Failed building SSH client: " + e.getMessage());
            return SshConnection.NO_EXIT_STATUS;
        }
        try {
            if (!target.command().isEmpty()) {
                return connection.run(RemoteCommand.userLine(target.command()).shellText(), session.in(), agent, session.out(), session.err());
            }
            return shell(session, connection, agent);
        } catch (SshException e) {
            MachineCommands.report(session, target.command().isEmpty() ? "Failed opening shell over SSH" : "Failed running command over SSH", e);
            return SshConnection.NO_EXIT_STATUS;
        }
    }

    private static int shell(Session session, SshConnection connection, Optional<Path> agent) {
        boolean tty = session.in() == System.in && Terminal.stdinIsTerminal();
        if (!tty) {
            session.err().println("Pseudo-terminal will not be allocated because stdin is not a terminal.");
            return connection.shell(session.in(), session.out(), session.err(), Optional.empty(), agent, resizer -> { });
        }
        String term = session.env("TERM") == null ? "xterm" : session.env("TERM");
        int[] size = Terminal.size().orElse(new int[] {80, 24});
        try (Terminal.RawMode raw = Terminal.raw()) {
            return connection.shell(session.in(), session.out(), session.err(),
                    Optional.of(new SshConnection.PtyRequest(term, size[0], size[1])), agent,
                    resizer -> Terminal.onResize(() -> Terminal.size().ifPresent(s -> resizer.resize(s[0], s[1]))));
        }
    }
}
