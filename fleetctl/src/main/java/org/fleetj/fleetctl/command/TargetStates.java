package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            String name = UnitLookup.name(arg);
            if (!names.contains(name)) names.add(name);
        }
        Map<String, ApiUnit> registered = UnitLookup.registeredOrFail(client, names);
        List<ApiUnit> triggered = new ArrayList<>();
        List<Runnable> writes = new ArrayList<>();
        List<String> debug = new ArrayList<>();
        CommandFailedException missing = null;
        for (String name : names) {
            ApiUnit unit = registered.get(name);
            if (unit == null) {
                // fleet set the units before the missing one, then stopped
                missing = new CommandFailedException("unable to find unit " + name);
                break;
            }
            if (state.equals(unit.desiredState())) {
                session.debug("Unit(" + name + ") already " + state + ", skipping.");
                continue;
            }
            debug.add("Setting Unit(" + name + ") target state to " + state);
            writes.add(() -> client.setUnitTargetState(name, state));
            triggered.add(unit);
        }
        debug.forEach(session::debug);
        ConcurrentRequests.runAll(writes);
        if (missing != null) throw missing;
        return triggered;
    }
}
