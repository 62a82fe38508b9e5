package org.fleetj.fleetctl.command;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.UnitLogSource;
import org.fleetj.fleetctl.ssh.MachineCommands;
import org.fleetj.fleetctl.ssh.RemoteCommand;
import picocli.CommandLine.Option;

/**
 * What journal and status share: the machine of a global unit ({@code --machine}), the choice between fleetd's
 * API and SSH ({@code --ssh}), and the one place that makes that choice: the API when the endpoint serves
 * journals, SSH otherwise; the output is the same either way.
 */
final class UnitLogOptions {
    @Option(names = "--machine", paramLabel = "ID", description = "The machine (id or unique prefix) to ask; needed for global units (beyond fleet).")
    String machine;

    @Option(names = "--ssh", description = "Use SSH even when fleetd's API serves journals and status (beyond fleet).")
    boolean ssh;

    @Option(names = "--ssh-port", paramLabel = "N", defaultValue = "22", description = "Connect to remote hosts over SSH using this TCP port (default 22).")
    int sshPort;

    /** The full id of the machine named by {@code --machine}, if given. */
    Optional<String> machineId(Session session) {
        if (machine == null || machine.isEmpty()) return Optional.empty();
        return SshTarget.machineByPrefix(machine, session.machines()).map(m -> m.id());
    }

    /**
     * Runs through the API when it serves this, else {@code ssh} on {@code machineId}.
     *
     * @param viaApi the API call; empty when the endpoint does not offer it
     */
    int run(Session session, String machineId, Function<UnitLogSource, OptionalInt> viaApi, RemoteCommand viaSsh) {
        if (!ssh) {
            Optional<UnitLogSource> api = session.client().unitLogs();
            if (api.isPresent()) {
                OptionalInt exit = viaApi.apply(api.get());
                if (exit.isPresent()) return exit.getAsInt();
                session.debug("the endpoint does not serve journals and status; using SSH");
            }
        }
        return MachineCommands.run(session, machineId, viaSsh, sshPort);
    }
}
