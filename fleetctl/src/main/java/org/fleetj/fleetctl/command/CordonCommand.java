package org.fleetj.fleetctl.command;

import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "cordon", description = {
        "Stop placing new units on a machine; the units it runs keep running (beyond fleet).",
        "The state survives an engine failover; list-machines --fields machine,availability shows it."})
public final class CordonCommand extends FleetCommand {
    @Mixin
    MachineArgument target;

    @Override
    protected int run(Session session) {
        ApiMachine m = target.setAvailability(session, "cordoned");
        session.out().println("Machine " + m.id() + " cordoned: no new units are placed on it");
        return 0;
    }
}
