package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.UnitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "load", description = {
        "Schedule one or more units in the cluster, first submitting them if necessary.",
        "Waits until each unit is loaded on its machine (Unit X loaded on <machine>) unless --no-block is given."})
public final class LoadCommand extends UnitCommand {
    @Mixin
    CreateOptions create;

    @Mixin
    BlockOptions block;

    @Override
    protected int run(Session session, List<String> units) {
        if (create.sign()) return refuseSign(session);
        if (block.attempts() >= 0) Templates.refuseWaitingFor(units, "load");
        List<String> replaced = new UnitCreator(session, "load").createMissing(units, create.replace());
        List<ApiUnit> triggered;
        try {
            triggered = TargetStates.set(session, units, "loaded");
        } catch (CommandFailedException e) {
            throw new CommandFailedException("Error loading units: " + e.getMessage(), e);
        }
        List<String> waiting = new ArrayList<>();
        for (ApiUnit u : triggered) {
            if (UnitOptions.isGlobal(u.options())) session.out().println("Triggered global unit " + u.name() + " load");
            else waiting.add(u.name());
        }
        for (String name : replaced) if (!waiting.contains(name)) waiting.add(name);
        return Waits.forState(session, waiting, "load", "loaded", block.attempts());
    }
}
