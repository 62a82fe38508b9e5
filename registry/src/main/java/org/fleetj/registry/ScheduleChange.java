package org.fleetj.registry;

import java.util.Objects;
import org.fleetj.unit.TargetState;

/**
 * One write the engine makes to the per-machine schedule. {@link Kind#ASSIGN} puts (or refreshes) the
 * entry {@code schedule/<machine>/<unit>}; {@link Kind#UNASSIGN} removes it. Every change carries the
 * human reason that was logged for it.
 */
public record ScheduleChange(Kind kind, String unit, String machineId, String unitHash,
                             TargetState desiredState, String reason) {
    public enum Kind { ASSIGN, UNASSIGN }

    public ScheduleChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(machineId, "machineId");
        reason = reason == null ? "" : reason;
        if (kind == Kind.ASSIGN) {
            Objects.requireNonNull(unitHash, "unitHash");
            Objects.requireNonNull(desiredState, "desiredState");
        }
    }

    public static ScheduleChange assign(String unit, String machineId, String unitHash, TargetState desired, String reason) {
        return new ScheduleChange(Kind.ASSIGN, unit, machineId, unitHash, desired, reason);
    }

    public static ScheduleChange unassign(String unit, String machineId, String reason) {
        return new ScheduleChange(Kind.UNASSIGN, unit, machineId, null, null, reason);
    }
}
