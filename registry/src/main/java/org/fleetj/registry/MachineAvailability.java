package org.fleetj.registry;

import java.util.Locale;

/**
 * Whether a machine takes new units, as {@code fleetctl cordon|uncordon|drain} set it. Stored apart from the
 * machine's announcement ({@code machine-control/<id>}, no lease), so it survives an engine failover and a
 * restart of the machine's fleetd.
 */
public enum MachineAvailability {
    /** Takes new units (fleet's only state; stored as no entry). */
    SCHEDULABLE,
    /** Keeps what it runs, takes nothing new. */
    CORDONED,
    /** Cordoned, and the engine moves its units elsewhere a few at a time; global units stay. */
    DRAINING,
    /** As {@link #DRAINING}, and global units stop here too. */
    DRAINING_WITH_GLOBAL_UNITS;

    /** The word stored and shown ({@code schedulable}, {@code cordoned}, {@code draining}, {@code draining-all}). */
    public String wireName() {
        return this == DRAINING_WITH_GLOBAL_UNITS ? "draining-all" : name().toLowerCase(Locale.ROOT);
    }

    /** The state named {@code text} by {@link #wireName()}; an unknown word reads as {@link #CORDONED} (safe side). */
    public static MachineAvailability fromWire(String text) {
        for (MachineAvailability a : values()) {
            if (a.wireName().equals(text)) {
                return a;
            }
        }
        return CORDONED;
    }
}
