package org.fleetj.fleetd.agent;

import java.util.Objects;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/** A unit this machine must have, in {@code state} (loaded or launched), and why (scheduled here, or global). */
public record DesiredUnit(String name, UnitFile file, TargetState state, boolean global) {
    public DesiredUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        if (state == TargetState.INACTIVE) throw new IllegalArgumentException("a desired unit is loaded or launched, not inactive: " + name);
    }

    public String hash() {
        return file.hash().hex();
    }
}
