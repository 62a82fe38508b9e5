package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.UnitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "unload", description = {
        "Unschedule one or more units in the cluster; they stay in the registry (inactive).",
        "Waits until each unit is inactive unless --no-block is given."})
public final class UnloadCommand extends UnitCommand {
    @Mixin
    BlockOptions block;

    @Override
    protected int run(Session session, List<String> args) {
        List<ApiUnit> units = UnitLookup.requireFound(UnitLookup.find(session.client(), args));
        List<String> waiting = new ArrayList<>();
        for (ApiUnit u : units) {
            boolean global = UnitOptions.isGlobal(u);
            if (!global) {
                // a unit that is not on any machine is inactive at once: nothing to wait for
                if ("inactive".equals(u.currentState())) session.debug("Unit(" + u.name() + ") already inactive");
                else waiting.add(u.name());
            }
            session.debug("Setting target state of Unit(" + u.name() + ") to inactive");
            session.client().setUnitTargetState(u.name(), "inactive");
            if (global) session.out().println("Triggered global unit " + u.name() + " unload");
        }
        return Waits.forStateSummarised(session, waiting, "unload", "unloaded", "inactive", block.attempts());
    }
}
