package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClientException;

/** What cordon, uncordon and drain share: finding the machine a user names, and setting its availability. */
final class MachineAvailabilityChange {

    private MachineAvailabilityChange() {
    }

    /** The live machine whose id is {@code arg} or starts with it. */
    static ApiMachine machine(Session session, String arg) {
        List<ApiMachine> matches = new ArrayList<>();
        for (ApiMachine m : session.machines().values()) {
            if (m.id().equals(arg)) return m;
            if (m.id().startsWith(arg)) matches.add(m);
        }
        if (matches.size() > 1) throw new CommandFailedException("Error: more than one machine matches " + arg + "; give more of its id");
        if (matches.isEmpty()) throw new CommandFailedException("Error: machine " + arg + " does not exist (see fleetctl list-machines)");
        return matches.get(0);
    }

    static void set(Session session, ApiMachine machine, String availability) {
        try {
            session.client().setMachineAvailability(machine.id(), availability);
        } catch (FleetClientException e) {
            throw new CommandFailedException("Error setting machine " + machine.id() + " " + availability + ": " + e.getMessage(), e);
        }
    }
}
