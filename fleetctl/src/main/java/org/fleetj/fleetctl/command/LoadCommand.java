package org.fleetj.fleetctl.command;

import java.util.List;
import org.fleetj.fleetctl.Session;
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
        List<String> waiting = CreateAndTarget.apply(session, units, create, block, "load", "loaded", "Error loading units");
        return Waits.forState(session, waiting, "load", "loaded", block.attempts());
    }
}
