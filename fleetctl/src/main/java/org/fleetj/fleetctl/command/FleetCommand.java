package org.fleetj.fleetctl.command;

import java.util.concurrent.Callable;
import org.fleetj.fleetctl.Fleetctl;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.ParentCommand;

/** Base of every fleetctl command: access to the invocation's {@link Session}; returns the exit status. */
public abstract class FleetCommand implements Callable<Integer> {

    @ParentCommand
    Fleetctl root;

    protected Session session() {
        return root.session();
    }

    @Override
    public final Integer call() {
        return run(session());
    }

    /** Runs this command in {@code session} without picocli (the quick path of the list commands and version). */
    public final int runIn(Session session) {
        return run(session);
    }

    /** @return the exit status: 0 on success, 1 on any error (after printing it to stderr) */
    protected abstract int run(Session session);
}
