package org.fleetj.fleetctl.command;

import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "uncordon", description = {
        "Place units on a cordoned or draining machine again (beyond fleet); units already moved stay where they are."})
public final class UncordonCommand extends FleetCommand {
    @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's id or a unique prefix of it.")
    String machine;

    @Override
    protected int run(Session session) {
        ApiMachine m = MachineAvailabilityChange.machine(session, machine);
        MachineAvailabilityChange.set(session, m, "schedulable");
        session.out().println("Machine " + m.id() + " uncordoned: units may be placed on it again");
        return 0;
    }
}
