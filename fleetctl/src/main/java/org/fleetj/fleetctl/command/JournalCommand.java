package org.fleetj.fleetctl.command;

import java.util.Optional;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.fleetctl.ssh.RemoteCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "journal", description = {
        "Print the journal of a unit in the cluster to stdout, by running journalctl on the machine the unit occupies",
        "(through fleetd's API when it serves journals, otherwise over SSH, or directly when that machine is this one).",
        "With -f, follow it until interrupted. For a global unit, name the machine with --machine."})
public final class JournalCommand extends FleetCommand {
    @Option(names = "--lines", paramLabel = "N", defaultValue = "10", description = "Number of recent log lines to return (default 10).")
    int lines;

    @Option(names = {"-f", "--follow", "--f"}, description = "Continuously print new entries as they are appended to the journal.")
    boolean follow;

    @Option(names = "--output", paramLabel = "MODE", defaultValue = "short",
            description = "Output mode, passed unaltered to journalctl (short, cat, json, verbose, ...; default short).")
    String output;

    @Option(names = "--sudo", description = "Execute the journal command with sudo.")
    boolean sudo;

    @Mixin
    UnitLogOptions via;

    @Mixin
    OneUnitArgument argument;

    @Override
    protected int run(Session session) {
        Optional<String> given = argument.name(session);
        if (given.isEmpty()) return 1;
        String name = given.get();
        Optional<ApiUnit> found = session.client().unit(name);
        if (found.isEmpty()) {
            session.err().println("Unit " + name + " does not exist.");
            return 1;
        }
        ApiUnit unit = found.get();
        Optional<String> machine = via.machineId(session);
        if (UnitOptions.isGlobal(unit) && machine.isEmpty()) {
            // fleet's words; --machine (beyond fleet) names one of its machines
            session.err().println("Unable to retrieve journal of global unit " + name + ".");
            return 1;
        }
        if (machine.isEmpty() && (unit.currentState() == null || unit.currentState().isEmpty() || unit.currentState().equals("inactive"))) {
            session.err().println("Unit " + name + " does not appear to be running.");
            return 1;
        }
        String on = machine.orElse(unit.machineID());
        return via.run(session, on, api -> api.journal(name, machine.orElse(null), lines, output, follow, session.out()),
                RemoteCommand.journal(name, lines, output, follow, sudo));
    }
}
