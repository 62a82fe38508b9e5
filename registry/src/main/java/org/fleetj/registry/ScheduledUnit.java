package org.fleetj.registry;

import java.util.Objects;
import org.fleetj.unit.TargetState;

/**
 * One entry of a machine's schedule, as the engine wrote it and the agent of that machine reads it:
 * run unit {@code name}, whose file has {@code unitHash}, in {@code desiredState} (loaded or launched).
 * The agent fetches the file itself with {@link Registry#unitFile(String)}.
 */
public record ScheduledUnit(String name, String unitHash, TargetState desiredState) {
    public ScheduledUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unitHash, "unitHash");
        Objects.requireNonNull(desiredState, "desiredState");
    }
}
