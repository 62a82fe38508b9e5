package org.fleetj.fleetctl.command;

import java.util.concurrent.Callable;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.ParentCommand;

/** Base of {@code fleetctl rollout}'s subcommands: the invocation's session through the parent command. */
abstract class RolloutSubcommand implements Callable<Integer> {
    @ParentCommand
    RolloutCommand parent;

    @Override
    public final Integer call() {
        return run(parent.rolloutSession());
    }

    protected abstract int run(Session session);
}
