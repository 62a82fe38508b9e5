package org.fleetj.fleetctl.command;

import java.util.List;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "submit", description = {
        "Upload one or more units to the cluster without starting them.",
        "Submitting an existing unit does nothing (a WARNING says when the local file differs); "
                + "--replace replaces it while it is inactive."})
public final class SubmitCommand extends UnitCommand {
    @Mixin
    CreateOptions create;

    @Override
    protected int run(Session session, List<String> units) {
        if (create.sign()) return refuseSign(session);
        List<String> replaced = new UnitCreator(session, "submit").createMissing(units, create.replace(), 0);
        if (!replaced.isEmpty()) new StateWaiter(session).awaitState(replaced, "inactive", 0);
        return 0;
    }
}
