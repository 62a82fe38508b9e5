package org.fleetj.e2e.chaos;

import java.util.Map;

/**
 * One unit as one machine's systemd reported it ({@code systemctl show}).
 *
 * @param activeState ActiveState (active, inactive, failed, activating, deactivating, reloading)
 * @param identity    what changes exactly when systemd starts the unit anew: InvocationID, MainPID,
 *                    ExecMainStartTimestampMonotonic and NRestarts together
 * @param description the unit's Description (the rollout scenarios tell versions apart by it)
 */
record UnitSample(String unit, String activeState, String subState, String identity, String description) {
    UnitSample(String unit, String activeState, String subState, String identity) {
        this(unit, activeState, subState, identity, "");
    }

    static UnitSample of(Map<String, String> props) {
        String identity = "invocation=" + props.getOrDefault("InvocationID", "") + " pid=" + props.getOrDefault("MainPID", "")
                + " started=" + props.getOrDefault("ExecMainStartTimestampMonotonic", "") + " restarts=" + props.getOrDefault("NRestarts", "");
        return new UnitSample(props.get("Id"), props.getOrDefault("ActiveState", ""), props.getOrDefault("SubState", ""), identity,
                props.getOrDefault("Description", ""));
    }

    /** A process may be alive: anything but inactive and failed. */
    boolean running() {
        return !activeState.equals("inactive") && !activeState.equals("failed");
    }

    boolean active() {
        return activeState.equals("active");
    }
}
