package org.fleetj.api;

import java.util.List;

/**
 * Beyond fleet: a unit's failure record as the API serves it at {@code /fleet/v1/failures/<name>} (a path fleet
 * clients never ask for, so fleet's own entities stay exactly as they were).
 *
 * @param name               the unit
 * @param failures           failures seen since the unit was created
 * @param restartsInWindow   in-place restarts still counted by the policy's window
 * @param lastFailureAt      RFC 3339 time of the last failure
 * @param lastFailureMachine the machine it failed on last
 * @param lastFailure        systemd's active/sub state then ({@code failed/failed})
 * @param gaveUpOn           machines it was moved away from and is never placed on again
 */
public record ApiUnitFailures(String name, int failures, int restartsInWindow, String lastFailureAt,
                             String lastFailureMachine, String lastFailure, List<String> gaveUpOn) {
    public ApiUnitFailures {
        gaveUpOn = gaveUpOn == null ? List.of() : List.copyOf(gaveUpOn);
    }

    /** One line for {@code fleetctl status}. */
    public String summary() {
        String m = MachineIds.elided(lastFailureMachine);
        return "Failure policy: " + failures + " failure(s), last at " + lastFailureAt + " on " + m + " (" + lastFailure + "); "
                + restartsInWindow + " restart(s) in place within the window"
                + (gaveUpOn.isEmpty() ? "" : "; moved away from " + String.join(", ",
                        gaveUpOn.stream().map(MachineIds::elided).toList()));
    }
}
