package org.fleetj.registry;

import java.util.Objects;
import java.util.Optional;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * A unit submitted to the cluster: its name, its unit file (stored content-addressed by hash), the
 * state the user wants, and where the engine placed it (empty when unscheduled, and always for
 * global units, which each agent places itself).
 */
public record Job(String name, UnitFile unit, TargetState desiredState, Optional<String> targetMachine) {
    public Job {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(desiredState, "desiredState");
        targetMachine = targetMachine == null ? Optional.empty() : targetMachine;
    }

    public String unitHash() {
        return unit.hash().hex();
    }
}
