package org.fleetj.fleetctl.command;

import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "resume", description = "Resume a paused rollout (beyond fleet).")
public final class RolloutResumeCommand extends RolloutSubcommand {
    @Parameters(index = "0", paramLabel = "UNIT", description = "The template (web@.service) or global unit rolled out.")
    String unit;

    @Override
    protected int run(Session session) {
        return RolloutSteering.steer(session, unit, "resume", "resumed");
    }
}
