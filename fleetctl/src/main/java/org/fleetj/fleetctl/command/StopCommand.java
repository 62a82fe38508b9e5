package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.UnitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "stop", description = {
        "Instruct systemd to stop one or more units in the cluster; they stay loaded.",
        "Waits until each unit is loaded again unless --no-block is given."})
public final class StopCommand extends UnitCommand {
    @Mixin
    BlockOptions block;

    @Override
    protected int run(Session session, List<String> args) {
        List<ApiUnit> units = UnitLookup.requireFound(UnitLookup.find(session.client(), args));
        List<String> stopping = new ArrayList<>();
        for (ApiUnit u : units) {
            boolean global = UnitOptions.isGlobal(u);
            if (!global && "inactive".equals(u.currentState())) {
                session.err().println("Unable to stop unit " + u.name() + " in state inactive");
                return 1;
            }
            session.debug("Setting target state of Unit(" + u.name() + ") to loaded");
            session.client().setUnitTargetState(u.name(), "loaded");
            if (global) session.out().println("Triggered global unit " + u.name() + " stop");
            else stopping.add(u.name());
        }
        return Waits.forStateSummarised(session, stopping, "stop", "stopped", "loaded", block.attempts());
    }
}
