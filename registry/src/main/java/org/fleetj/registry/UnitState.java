package org.fleetj.registry;

import java.util.Objects;
import org.fleetj.unit.TargetState;

/**
 * What an agent reports about one unit on its machine: systemd's load/active/sub states, the hash of
 * the unit file it wrote, and what it has applied ({@code loaded} = file linked, {@code launched} =
 * started on instruction). Published under the agent's presence lease, so it vanishes with the machine.
 */
public record UnitState(String name, String machineId, String unitHash,
                        String loadState, String activeState, String subState, TargetState applied) {
    public UnitState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(machineId, "machineId");
        unitHash = unitHash == null ? "" : unitHash;
        loadState = loadState == null ? "" : loadState;
        activeState = activeState == null ? "" : activeState;
        subState = subState == null ? "" : subState;
        Objects.requireNonNull(applied, "applied");
    }
}
