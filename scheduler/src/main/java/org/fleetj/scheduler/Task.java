package org.fleetj.scheduler;

import java.util.Objects;
import java.util.Optional;

/**
 * One decision of a {@link Plan}. How the engine applies each kind (schedule keys are
 * {@code schedule/<machineId>/<unit>}):
 * <ul>
 *   <li>{@link Kind#SCHEDULE}: the unit has no target now; assign it to {@code machine} (create
 *       {@code schedule/<machine>/<unit>}).</li>
 *   <li>{@link Kind#UNSCHEDULE}: remove the unit from {@code machine}, its current target (delete
 *       {@code schedule/<machine>/<unit>}); it stays without a target. {@code machine} may be a machine that
 *       has gone away: its schedule entry must still be deleted.</li>
 *   <li>{@link Kind#RESCHEDULE}: move the unit from {@code from} (its current target, possibly gone)
 *       to {@code machine}: delete {@code schedule/<from>/<unit>} and create {@code schedule/<machine>/<unit>},
 *       in one transaction so the unit is never assigned twice nor lost in between.</li>
 * </ul>
 *
 * @param kind    what to do
 * @param unit    the unit name
 * @param machine SCHEDULE/RESCHEDULE: the machine the unit goes to; UNSCHEDULE: the machine it leaves
 * @param from    RESCHEDULE only: the machine the unit leaves; empty for the other kinds
 * @param reason  why, in words for operators ("target machine 3d1219c7 went away; placed on ...")
 */
public record Task(Kind kind, String unit, String machine, Optional<String> from, String reason) {

    /** The kinds of decision. */
    public enum Kind { SCHEDULE, UNSCHEDULE, RESCHEDULE }

    public Task {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(reason, "reason");
        if (kind == Kind.RESCHEDULE) {
            if (from.isEmpty() || from.get().equals(machine)) {
                throw new IllegalArgumentException("reschedule of " + unit + " needs a different source machine, got " + from);
            }
        } else if (from.isPresent()) {
            throw new IllegalArgumentException(kind + " of " + unit + " takes no source machine");
        }
    }

    public static Task schedule(String unit, String machine, String reason) {
        return new Task(Kind.SCHEDULE, unit, machine, Optional.empty(), reason);
    }

    public static Task unschedule(String unit, String machine, String reason) {
        return new Task(Kind.UNSCHEDULE, unit, machine, Optional.empty(), reason);
    }

    public static Task reschedule(String unit, String from, String to, String reason) {
        return new Task(Kind.RESCHEDULE, unit, to, Optional.of(from), reason);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SCHEDULE -> "schedule " + unit + " to " + machine + ": " + reason;
            case UNSCHEDULE -> "unschedule " + unit + " from " + machine + ": " + reason;
            case RESCHEDULE -> "reschedule " + unit + " from " + from.orElseThrow() + " to " + machine + ": " + reason;
        };
    }
}
