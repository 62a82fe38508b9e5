package org.fleetj.fleetctl.command;

import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cordon", description = {
        "Stop placing new units on a machine; the units it runs keep running (beyond fleet).",
        "The state survives an engine failover; list-machines --fields machine,availability shows it."})
public final class CordonCommand extends FleetCommand {
    @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's id or a unique prefix of it.")
    String machine;

    @Override
    protected int run(Session session) {
        ApiMachine m = MachineAvailabilityChange.machine(session, machine);
        MachineAvailabilityChange.set(session, m, "cordoned");
        session.out().println("Machine " + m.id() + " cordoned: no new units are placed on it");
        return 0;
    }
}
