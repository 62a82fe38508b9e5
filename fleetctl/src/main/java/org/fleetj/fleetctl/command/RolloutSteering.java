package org.fleetj.fleetctl.command;

import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClientException;

/** What pause, resume and abort share: asking the cluster, and the words for the answer. */
final class RolloutSteering {
    private RolloutSteering() {
    }

    static int steer(Session session, String unitArg, String control, String done) {
        String unit = UnitLookup.name(unitArg);
        try {
            if (!session.client().steerRollout(unit, control)) {
                session.err().println("Error: unit " + unit + " has no rollout");
                return 1;
            }
        } catch (FleetClientException e) {
            session.err().println("Error: cannot " + control + " the rollout of " + unit + ": " + e.getMessage());
            return 1;
        }
        session.out().println("Rollout of " + unit + " " + done);
        return 0;
    }
}
