package org.fleetj.fleetctl.command;

import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "abort", description = "Abort a rollout where it stands; nothing is reverted (beyond fleet).")
public final class RolloutAbortCommand extends RolloutSubcommand {
    @Parameters(index = "0", paramLabel = "UNIT", description = "The template (web@.service) or global unit rolled out.")
    String unit;

    @Override
    protected int run(Session session) {
        return RolloutSteering.steer(session, unit, "abort", "aborted: it stops where it is; nothing is reverted");
    }
}
