package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.UnitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "start", description = {
        "Instruct systemd to start one or more units in the cluster, first submitting and loading them if necessary.",
        "Waits until each unit is launched (Unit X launched on <machine>) and systemd reports it active, unless --no-block is given."})
public final class StartCommand extends UnitCommand {
    @Mixin
    CreateOptions create;

    @Mixin
    BlockOptions block;

    @Override
    protected int run(Session session, List<String> units) {
        if (create.sign()) return refuseSign(session);
        if (block.attempts() >= 0) Templates.refuseWaitingFor(units, "start");
        List<String> replaced = new UnitCreator(session, "start").createMissing(units, create.replace());
        List<ApiUnit> triggered;
        try {
            triggered = TargetStates.set(session, units, "launched");
        } catch (CommandFailedException e) {
            throw new CommandFailedException("Error starting units: " + e.getMessage(), e);
        }
        List<String> starting = new ArrayList<>();
        for (ApiUnit u : triggered) {
            if (UnitOptions.isGlobal(u.options())) session.out().println("Triggered global unit " + u.name() + " start");
            else starting.add(u.name());
        }
        for (String name : replaced) if (!starting.contains(name)) starting.add(name);
        int exit = Waits.forState(session, starting, "start", "launched", block.attempts());
        if (exit == 0 && block.attempts() >= 0 && !starting.isEmpty()) {
            new StateWaiter(session).awaitSystemdActive(starting, block.attempts());
        }
        return exit;
    }
}
