package org.fleetj.fleetctl.command;

import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Parameters;

/** The MACHINE argument of cordon, uncordon and drain, and the change of availability they make to it. */
final class MachineArgument {
    @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's id or a unique prefix of it.")
    String machine;

    /** The live machine the argument names (see {@link MachineAvailabilityChange#machine}). */
    ApiMachine find(Session session) {
        return MachineAvailabilityChange.machine(session, machine);
    }

    /** Finds the machine and sets its availability; returns the machine. */
    ApiMachine setAvailability(Session session, String availability) {
        ApiMachine m = find(session);
        MachineAvailabilityChange.set(session, m, availability);
        return m;
    }
}
