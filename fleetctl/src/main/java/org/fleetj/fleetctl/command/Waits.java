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

    /**
     * {@link #forState}, then fleet's summary on stderr, as stop and unload print it: {@code Successfully <done>
     * units [a b].}, or the failure and {@code Failed to <action> units [a b].}
     *
     * @param done the past tense of {@code action} ({@code stopped})
     * @return 0, or 1 when the wait failed
     */
    static int forStateSummarised(Session session, List<String> units, String action, String done, String state, int attempts) {
        try {
            forState(session, units, action, state, attempts);
        } catch (CommandFailedException e) {
            session.err().println(e.getMessage());
            session.err().println("Failed to " + action + " units " + UnitLookup.goList(units) + ".");
            return 1;
        }
        session.err().println("Successfully " + done + " units " + UnitLookup.goList(units) + ".");
        return 0;
    }
}
