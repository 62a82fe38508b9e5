package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.Session;

/**
 * Runs a command on a cluster machine as fleet does for journal, status and global restarts: here when
 * the machine is this one ({@code /etc/machine-id}), otherwise over SSH to its public IP and
 * {@code --ssh-port}. Output is streamed to the session's stdout/stderr.
 */
public final class MachineCommands {
    private MachineCommands() {
    }

    /**
     * @return the command's exit status; {@link SshConnection#NO_EXIT_STATUS} (255, as ssh(1)) when it
     *         could not be run, after printing why
     */
    public static int run(Session session, String machineId, RemoteCommand command, int sshPort) {
        if (LocalMachine.is(machineId)) {
            session.debug("running locally: " + command);
            try {
                return LocalProcess.run(command, session.out(), session.err());
            } catch (IOException e) {
                session.err().println("Error running local command: " + e.getMessage());
                return SshConnection.NO_EXIT_STATUS;
            }
        }
        ApiMachine machine = session.machines().get(machineId);
        if (machine == null || machine.primaryIP() == null || machine.primaryIP().isEmpty()) {
            session.err().println("Error getting machine IP: machine " + machineId
                    + (machine == null ? " is not in the cluster" : " has no public IP"));
            return SshConnection.NO_EXIT_STATUS;
        }
        HostAddress address;
        try {
            address = new HostAddress(machine.primaryIP(), sshPort);
        } catch (IllegalArgumentException e) {
            session.err().println("Error running remote command: " + e.getMessage());
            return SshConnection.NO_EXIT_STATUS;
        }
        session.debug("running on " + address + ": " + command);
        try {
            SshConnection connection = SshSupport.of(session).connect(address);
            return connection.run(command.shellText(), null, session.out(), session.err());
        } catch (SshException e) {
            report(session, "Error running remote command", e);
            return SshConnection.NO_EXIT_STATUS;
        }
    }

    /** {@code what: message}; a multi-line message (host key warnings) is printed as it is. */
    public static void report(Session session, String what, SshException e) {
        String message = e.getMessage();
        session.err().println(message.indexOf('\n') >= 0 ? message : what + ": " + message);
    }
}
