package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClient;

/** Setting the desired state of named units, as fleet's load and start do. */
final class TargetStates {
    private TargetStates() {
    }

    /**
     * Sets {@code state} on each named unit whose desired state differs.
     *
     * @return the units whose state was set (as they were before), in argument order
     * @throws CommandFailedException when a unit is not in the registry
     */
    static List<ApiUnit> set(Session session, List<String> args, String state) {
        FleetClient client = session.client();
        List<ApiUnit> triggered = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (String arg : args) {
            String name = UnitLookup.name(arg);
            if (done.contains(name)) continue;
            done.add(name);
            Optional<ApiUnit> unit = UnitLookup.unit(client, name);
            if (unit.isEmpty()) throw new CommandFailedException("unable to find unit " + name);
            if (state.equals(unit.get().desiredState())) {
                session.debug("Unit(" + name + ") already " + state + ", skipping.");
                continue;
            }
            session.debug("Setting Unit(" + name + ") target state to " + state);
            client.setUnitTargetState(name, state);
            triggered.add(unit.get());
        }
        return triggered;
    }
}
