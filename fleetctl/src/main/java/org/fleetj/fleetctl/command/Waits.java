package org.fleetj.fleetctl.command;

import java.util.List;
import org.fleetj.fleetctl.Session;

/** fleet's tryWaitForUnitStates: wait (or with --no-block just say what was triggered). */
final class Waits {
    private Waits() {
    }

    /**
     * @param action   the verb for {@code Triggered unit X <action>} under --no-block
     * @param attempts from {@link BlockOptions#attempts()}
     * @return 0; failures throw {@link CommandFailedException}
     */
    static int forState(Session session, List<String> units, String action, String state, int attempts) {
        if (units.isEmpty()) return 0;
        if (attempts < 0) {
            for (String name : units) session.out().println("Triggered unit " + name + " " + action);
            return 0;
        }
        new StateWaiter(session).awaitState(units, state, attempts);
        return 0;
    }
}
