package org.fleetj.fleetctl.command;

import java.util.List;
import org.fleetj.fleetctl.Session;
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
        List<String> starting = CreateAndTarget.apply(session, units, create, block, "start", "launched", "Error starting units");
        int exit = Waits.forState(session, starting, "start", "launched", block.attempts());
        if (exit == 0 && block.attempts() >= 0 && !starting.isEmpty()) {
            new StateWaiter(session).awaitSystemdActive(starting, block.attempts());
        }
        return exit;
    }
}
