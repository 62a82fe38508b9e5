package org.fleetj.fleetctl.ssh;

import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.command.GlobalUnitRestart;

/** fleet's restart of a global unit: {@code systemctl restart <unit>} on every machine hosting it, in turn. */
public final class SshGlobalUnitRestart implements GlobalUnitRestart {
    /** fleet's default port for these commands (restart has no {@code --ssh-port}). */
    private static final int SSH_PORT = HostAddress.SSH_PORT;

    @Override
    public int restart(Session session, ApiUnit unit, List<String> machineIds) {
        if (machineIds.isEmpty()) {
            session.err().println("Global unit " + unit.name() + " does not run on any machine: nothing to restart");
            return 0;
        }
        int exit = 0;
        for (String machineId : machineIds) {
            int status = MachineCommands.run(session, machineId, RemoteCommand.restart(unit.name()), SSH_PORT);
            if (status != 0) {
                session.err().println("Failed to restart global unit " + unit.name() + " on machine " + machineId
                        + " (exit status " + status + ")");
                if (exit == 0) exit = status;
            }
        }
        return exit;
    }
}
