package org.fleetj.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the engine remembers about the failures of a unit that has a failure policy (beyond fleet): kept in the
 * registry so that the count survives an engine failover, and shown by {@code fleetctl status} and the API.
 *
 * @param unit               the unit name
 * @param failures           failures seen since the unit was created
 * @param restarts           when the engine restarted it in place, oldest first (only those inside the policy's
 *                           window are kept)
 * @param lastFailureAt      when the last failure was seen
 * @param lastFailureMachine the machine it failed on last
 * @param lastFailure        what systemd said then ({@code failed/failed}, ...)
 * @param gaveUpOn           machines the unit was moved away from after using up its restarts (never chosen again)
 */
public record UnitFailures(String unit, int failures, List<Instant> restarts, Instant lastFailureAt,
                           String lastFailureMachine, String lastFailure, List<String> gaveUpOn) {
    public UnitFailures {
        Objects.requireNonNull(unit, "unit");
        restarts = List.copyOf(restarts);
        Objects.requireNonNull(lastFailureAt, "lastFailureAt");
        lastFailureMachine = lastFailureMachine == null ? "" : lastFailureMachine;
        lastFailure = lastFailure == null ? "" : lastFailure;
        gaveUpOn = List.copyOf(gaveUpOn);
    }

    /** As the API serves it ({@code /fleet/v1/failures/<name>}). */
    public org.fleetj.api.ApiUnitFailures toApi() {
        return new org.fleetj.api.ApiUnitFailures(unit(), failures(), restarts().size(), lastFailureAt().toString(),
                lastFailureMachine(), lastFailure(), gaveUpOn());
    }
}
