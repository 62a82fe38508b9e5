package org.fleetj.fleetctl.command;

import java.util.List;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Parameters;

/**
 * A command taking unit names. Failures a command reports with its own wording
 * ({@link CommandFailedException}) are printed here; fleet's "No units given" is an error for us.
 */
abstract class UnitCommand extends FleetCommand {
    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "Unit names or unit file paths.")
    List<String> units = List.of();

    @Override
    protected final int run(Session session) {
        if (units.isEmpty()) {
            session.err().println("No units given");
            return 1;
        }
        try {
            return run(session, units);
        } catch (CommandFailedException e) {
            session.err().println(e.getMessage());
            return 1;
        }
    }

    protected abstract int run(Session session, List<String> units);

    /** fleet's refusal of the deprecated signing feature (exit 2). */
    static int refuseSign(Session session) {
        session.err().println("WARNING: The signed/verified units feature is DEPRECATED and cannot be used.");
        return 2;
    }
}
