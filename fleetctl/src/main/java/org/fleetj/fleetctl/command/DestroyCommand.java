package org.fleetj.fleetctl.command;

import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "destroy", description = {
        "Destroy one or more units in the cluster: stop, unload and remove them.",
        "Waits until each unit is gone from the registry unless --no-block is given."})
public final class DestroyCommand extends UnitCommand {
    @Mixin
    BlockOptions block;

    @Override
    protected int run(Session session, List<String> args) {
        List<ApiUnit> units = UnitLookup.requireFound(UnitLookup.findIncludingBroken(session.client(), args));
        int exit = 0;
        for (ApiUnit u : units) {
            try {
                session.client().destroyUnit(u.name());
            } catch (RuntimeException e) {
                session.err().println("Error destroying units: " + e.getMessage());
                exit = 1;
                continue;
            }
            // fleet's check is inverted (it waits only with --no-block); we wait unless --no-block
            if (block.attempts() >= 0) awaitGone(session, u.name(), block.attempts());
            session.out().println("Destroyed " + u.name());
        }
        return exit;
    }

    private static void awaitGone(Session session, String name, int attempts) {
        long deadline = attempts == 0 ? Long.MAX_VALUE : System.nanoTime() + attempts * StateWaiter.ATTEMPT_MILLIS * 1_000_000L;
        while (session.client().unit(name).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new CommandFailedException("Error destroying units: timed out waiting for unit " + name + " to disappear");
            }
            try {
                Thread.sleep(StateWaiter.POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailedException("interrupted while waiting for unit " + name + " to disappear", e);
            }
        }
    }
}
