package org.fleetj.fleetctl.client;

import java.util.Map;

/**
 * What the cluster says about placement beyond fleet: each live machine's capacity for units and availability
 * (cordon/drain), and why each waiting unit waits.
 *
 * @param machines by machine id
 * @param waiting  reason by unit name
 */
public record PlacementView(Map<String, Machine> machines, Map<String, String> waiting) {

    public PlacementView {
        machines = Map.copyOf(machines);
        waiting = Map.copyOf(waiting);
    }

    /** A machine's capacity (0 = none stated) and availability ({@code schedulable}, {@code cordoned}, {@code draining}, {@code draining-all}). */
    public record Machine(long cpuMillis, long memoryBytes, String availability) {
    }
}
