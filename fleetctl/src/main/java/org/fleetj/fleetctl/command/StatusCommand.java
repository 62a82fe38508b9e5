package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitState;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.fleetctl.ssh.MachineCommands;
import org.fleetj.fleetctl.ssh.RemoteCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code systemctl status -l} of units on the machines that host them. Every unit is checked before any
 * runs; the outputs are separated by a blank line; as in fleet, it stops at the first non-zero status
 * and exits with it (systemctl: 3 for an inactive or failed unit).
 */
@Command(name = "status", description = {
        "Output the status of one or more units in the cluster: systemctl status -l on the machine the unit occupies",
        "(on every machine for a global unit). Exits with systemctl's status."})
public final class StatusCommand extends UnitCommand {
    @Option(names = "--ssh-port", paramLabel = "N", defaultValue = "22", description = "Connect to remote hosts over SSH using this TCP port (default 22).")
    int sshPort;

    @Override
    protected int run(Session session, List<String> args) {
        Map<String, ApiUnit> byName = new LinkedHashMap<>();
        for (String arg : args) {
            String name = UnitLookup.name(arg);
            if (byName.containsKey(name)) continue;
            ApiUnit unit = session.client().unit(name).orElseThrow(() -> new CommandFailedException("Unit " + name + " does not exist."));
            if (!UnitOptions.isGlobal(unit) && (unit.currentState() == null || unit.currentState().isEmpty()
                    || unit.currentState().equals("inactive"))) {
                new WaitReasonNotes(session).noteAll(List.of(name));
                printJobResult(session, unit); // a finished job whose machine left still says how it ended
                throw new CommandFailedException("Unit " + name + " does not appear to be loaded.");
            }
            byName.put(name, unit);
        }
        List<ApiUnitState> states = null;
        boolean first = true;
        for (ApiUnit unit : byName.values()) {
            List<String> machines = new ArrayList<>();
            if (UnitOptions.isGlobal(unit)) {
                if (states == null) states = session.client().unitStates();
                for (ApiUnitState s : states) if (s.name().equals(unit.name())) machines.add(s.machineID());
                if (machines.isEmpty()) throw new CommandFailedException("Unit " + unit.name() + " does not appear to be loaded.");
            } else {
                machines.add(unit.machineID());
            }
            for (String machineId : machines) {
                // this extra newline matches systemctl status's own output for several units
                if (!first) session.out().println();
                first = false;
                // beyond fleet: only units with a failure record (a failure policy that acted) get this extra line
                session.client().unitFailures(unit.name()).ifPresent(f -> session.out().println(f.summary()));
                printJobResult(session, unit);
                int exit = MachineCommands.run(session, machineId, RemoteCommand.status(unit.name()), sshPort);
                if (exit != 0) return exit;
            }
        }
        return 0;
    }

    /** Beyond fleet: a one-shot job ({@code [X-Fleet] Job=true} only) that finished says how, where and when. */
    private static void printJobResult(Session session, ApiUnit unit) {
        if (!UnitOptions.isJob(unit)) return;
        String hash = UnitOptions.toUnitFile(unit.options()).hash().hex();
        session.client().jobResult(unit.name()).filter(r -> r.unitHash().equals(hash)) // a result counts for the file that ran
                .ifPresent(r -> session.out().println(r.summary()));
    }
}
