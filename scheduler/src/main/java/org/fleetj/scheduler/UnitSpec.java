package org.fleetj.scheduler;

import java.util.Objects;
import java.util.Optional;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.XFleet;

/**
 * A unit (fleet "job") as the scheduler sees it.
 *
 * @param name          the unit name, e.g. {@code hello@1.service}
 * @param xfleet        its [X-Fleet] requirements, specifiers already expanded
 * @param desiredState  what the user asked for (inactive, loaded, launched)
 * @param targetMachine the machine id the engine last scheduled it to, if any (the machine may have gone away)
 */
public record UnitSpec(String name, XFleet xfleet, TargetState desiredState, Optional<String> targetMachine) {

    public UnitSpec {
        Objects.requireNonNull(name, "unit name");
        if (name.isBlank()) {
            throw new InvalidSnapshotException("unit name must not be blank");
        }
        Objects.requireNonNull(xfleet, "X-Fleet of unit " + name);
        Objects.requireNonNull(desiredState, "desired state of unit " + name);
        Objects.requireNonNull(targetMachine, "target machine of unit " + name);
    }

    /** An unscheduled unit. */
    public static UnitSpec unscheduled(String name, XFleet xfleet, TargetState desiredState) {
        return new UnitSpec(name, xfleet, desiredState, Optional.empty());
    }

    /** A unit currently scheduled to {@code machineId}. */
    public static UnitSpec scheduled(String name, XFleet xfleet, TargetState desiredState, String machineId) {
        return new UnitSpec(name, xfleet, desiredState, Optional.of(machineId));
    }

    /** The same unit with another target machine (empty for none). */
    public UnitSpec withTarget(Optional<String> machineId) {
        return new UnitSpec(name, xfleet, desiredState, machineId);
    }

    /**
     * Whether this is a template such as {@code foo@.service}: templates are stored but never run, only
     * their instances ({@code foo@1.service}) are.
     */
    public boolean isTemplate() {
        int dot = name.lastIndexOf('.');
        return dot > 0 && name.charAt(dot - 1) == '@';
    }

    /** Whether the engine should find this unit a machine: wanted loaded or launched, not a template, not global. */
    public boolean wantsMachine() {
        return desiredState != TargetState.INACTIVE && !isTemplate() && !xfleet.global();
    }
}
