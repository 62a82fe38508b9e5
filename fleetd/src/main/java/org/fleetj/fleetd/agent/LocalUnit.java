package org.fleetj.fleetd.agent;

import java.util.Objects;
import org.fleetj.unit.TargetState;

/**
 * A unit this agent has put on its machine: the hash of the file it wrote, and what it applied
 * ({@code LOADED}: linked; {@code LAUNCHED}: started on instruction).
 */
public record LocalUnit(String name, String hash, TargetState applied) {
    public LocalUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(applied, "applied");
    }

    public LocalUnit withApplied(TargetState s) {
        return new LocalUnit(name, hash, s);
    }
}
