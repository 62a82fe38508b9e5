package org.fleetj.fleetctl.command;

import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "pause", description = "Pause a rollout: no further instance is replaced until it is resumed (beyond fleet).")
public final class RolloutPauseCommand extends RolloutSubcommand {
    @Parameters(index = "0", paramLabel = "UNIT", description = "The template (web@.service) or global unit rolled out.")
    String unit;

    @Override
    protected int run(Session session) {
        return RolloutSteering.steer(session, unit, "pause", "paused: no instance is started until it is resumed (those in flight finish)");
    }
}
