package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitState;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.SshHooks;
import org.fleetj.fleetctl.client.UnitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restart", description = {
        "Restart one or more units in the cluster: a loaded unit is launched; a launched unit is stopped (loaded) and launched again.",
        "Global units are restarted with systemctl on every machine that runs them."})
public final class RestartCommand extends UnitCommand {
    @Option(names = "--block-attempts", paramLabel = "N", defaultValue = "0",
            description = "Wait until the units have reached each state, performing up to N attempts (of 2 s each). 0: no limit.")
    int blockAttempts;

    @Override
    protected int run(Session session, List<String> args) {
        List<ApiUnit> units = UnitLookup.requireFound(UnitLookup.find(session.client(), args));
        int attempts = Math.max(0, blockAttempts);
        StateWaiter waiter = new StateWaiter(session);
        List<ApiUnit> local = new ArrayList<>();
        List<ApiUnit> global = new ArrayList<>();
        for (ApiUnit u : units) {
            if (UnitOptions.isGlobal(u)) {
                global.add(u);
            } else if ("inactive".equals(u.currentState())) {
                session.err().println("Unable to restart unit " + u.name() + " in state inactive");
                return 1;
            } else {
                local.add(u);
            }
        }
        // one unit at a time, as fleet does: a service with several instances is never down everywhere at once
        for (ApiUnit u : local) {
            List<String> name = List.of(u.name());
            if ("launched".equals(u.currentState())) {
                session.debug("Stopping Unit(" + u.name() + ")");
                session.client().setUnitTargetState(u.name(), "loaded");
                waiter.awaitState(name, "loaded", attempts);
            }
            session.debug("Starting Unit(" + u.name() + ")");
            session.client().setUnitTargetState(u.name(), "launched");
            waiter.awaitState(name, "launched", attempts);
            waiter.awaitSystemdActive(name, attempts);
        }
        int exit = 0;
        if (!global.isEmpty()) {
            GlobalUnitRestart restart = SshHooks.globalUnitRestart();
            List<ApiUnitState> states = session.client().unitStates();
            for (ApiUnit u : global) {
                List<String> machines = new ArrayList<>();
                for (ApiUnitState s : states) if (s.name().equals(u.name())) machines.add(s.machineID());
                int status = restart.restart(session, u, machines);
                if (status != 0 && exit == 0) exit = status;
            }
        }
        return exit;
    }
}
