package org.fleetj.scheduler;

import java.util.Objects;

/**
 * A unit that wants a machine (or, for {@link GlobalPlacement}, a global unit a machine will not run)
 * and got none, with the reason, e.g. "no machine passes MachineMetadata region=eu (3 machines checked)".
 */
public record Unplaced(String unit, String reason) {
    public Unplaced {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return unit + ": " + reason;
    }
}
