package org.fleetj.fleetctl.command;

import java.nio.file.Path;
import java.util.Optional;
import org.fleetj.api.ApiRollout;
import org.fleetj.api.ApiRolloutRequest;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.unit.UnitFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Beyond fleet: starts a rolling update kept by the cluster (the engine drives it; this command only starts it and, by
 * default, follows it). {@code status}, {@code pause}, {@code resume} and {@code abort} are its subcommands.
 */
@Command(name = "rollout", description = {
        "Replace every instance of a template (web@.service) or a global unit with a new unit file, a few at a time (beyond fleet).",
        "The engine drives the rollout: it goes on if fleetctl exits and across an engine failover. See also:",
        "  fleetctl rollout status [UNIT], fleetctl rollout pause|resume|abort UNIT"},
        subcommands = {RolloutStatusCommand.class, RolloutPauseCommand.class, RolloutResumeCommand.class, RolloutAbortCommand.class})
public final class RolloutCommand extends FleetCommand {
    /** Optional for picocli, so that its subcommands do not need it; required by {@link #run} when none is invoked. */
    @Parameters(index = "0", arity = "0..1", paramLabel = "UNIT_FILE",
            description = "The new unit file, named as the template or global unit (web@.service).")
    String file;

    @Option(names = "--max-unavailable", paramLabel = "N", defaultValue = "1",
            description = "Instances that may be down at once (being replaced, or not active); default 1.")
    int maxUnavailable;

    @Option(names = "--min-healthy", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long a new instance must stay active before the next is replaced; default 10.")
    double minHealthySeconds;

    @Option(names = "--deadline", paramLabel = "SECONDS", defaultValue = "300",
            description = "A new instance not active within this many seconds fails the rollout; default 300.")
    double deadlineSeconds;

    @Option(names = "--auto-revert", description = "When a new instance fails, put the previous unit file back on the instances changed.")
    boolean autoRevert;

    @Option(names = "--no-block", description = "Start the rollout and return; follow it with fleetctl rollout status.")
    boolean noBlock;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop following after this many seconds (the rollout goes on); 0 (default): until it ends.")
    long timeoutSeconds;

    Session rolloutSession() {
        return session();
    }

    @Override
    protected int run(Session session) {
        if (file == null) {
            session.err().println("Error: give the new unit file (fleetctl rollout ./web@.service), or one of status, pause, resume, abort");
            return 1;
        }
        Path path = UnitSource.localPath(file);
        Optional<UnitFile> unit = UnitSource.readLocal(path);
        if (unit.isEmpty()) {
            session.err().println("Error: unable to find Unit(" + path + ") on the filesystem");
            return 1;
        }
        String name = UnitLookup.name(file);
        if (maxUnavailable < 1 || minHealthySeconds < 0 || deadlineSeconds <= 0) {
            session.err().println("Error: --max-unavailable must be at least 1, --min-healthy not negative and --deadline positive");
            return 1;
        }
        ApiRolloutRequest request = new ApiRolloutRequest(UnitOptions.toApi(unit.get()), maxUnavailable, Math.round(minHealthySeconds * 1000),
                Math.round(deadlineSeconds * 1000), autoRevert);
        ApiRollout started;
        try {
            started = session.client().startRollout(name, request);
        } catch (FleetClientException e) {
            session.err().println("Error starting the rollout of " + name + ": " + e.getMessage());
            return 1;
        }
        session.out().println("Rollout of " + name + " to " + started.newHash().substring(0, 7) + " started (max-unavailable "
                + started.maxUnavailable() + ", min-healthy " + started.minHealthyMs() / 1000.0 + " s" + (started.autoRevert() ? ", auto-revert" : "")
                + ")");
        if (noBlock) return 0;
        return new RolloutProgress(session, name, started.id()).follow(timeoutSeconds);
    }
}
