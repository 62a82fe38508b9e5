package org.fleetj.fleetctl.command;

import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "uncordon", description = {
        "Place units on a cordoned or draining machine again (beyond fleet); units already moved stay where they are."})
public final class UncordonCommand extends FleetCommand {
    @Mixin
    MachineArgument target;

    @Override
    protected int run(Session session) {
        ApiMachine m = target.setAvailability(session, "schedulable");
        session.out().println("Machine " + m.id() + " uncordoned: units may be placed on it again");
        return 0;
    }
}
