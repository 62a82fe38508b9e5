package org.fleetj.scheduler;

import java.util.Map;
import java.util.Objects;
import org.fleetj.unit.Resources;

/**
 * A machine as the scheduler sees it.
 *
 * @param id           the full machine id (normally 32 hex characters from /etc/machine-id)
 * @param ip           its public IP, or "" when it publishes none; only carried for the caller's convenience
 * @param metadata     its metadata (config merged with dynamic metadata), one value per key
 * @param capacity     what units may reserve on it (detected, or set in fleet.conf, minus the system's reserve);
 *                     a dimension of zero has no limit ({@link Resources#NONE}: fleet's count-only placement)
 * @param availability whether it takes new units (see {@link Availability})
 */
public record Machine(String id, String ip, Map<String, String> metadata, Resources capacity, Availability availability) {

    /** Length of the short machine id fleet prints and accepts in {@code MachineID=}. */
    public static final int SHORT_ID_LENGTH = 8;

    /** Whether a machine takes new units; set by {@code fleetctl cordon|uncordon|drain}. */
    public enum Availability {
        /** Takes new units (fleet's only state). */
        SCHEDULABLE,
        /** Keeps what it runs, takes nothing new. */
        CORDONED,
        /** Cordoned, and the engine moves its units elsewhere a few per pass; global units stay. */
        DRAINING,
        /** As {@link #DRAINING}, and global units stop here too. */
        DRAINING_WITH_GLOBAL_UNITS;

        public boolean takesNewUnits() {
            return this == SCHEDULABLE;
        }

        public boolean draining() {
            return this == DRAINING || this == DRAINING_WITH_GLOBAL_UNITS;
        }
    }

    public Machine {
        Objects.requireNonNull(id, "machine id");
        if (id.isBlank()) {
            throw new InvalidSnapshotException("machine id must not be blank");
        }
        ip = ip == null ? "" : ip;
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata of machine " + id));
        capacity = capacity == null ? Resources.NONE : capacity;
        availability = availability == null ? Availability.SCHEDULABLE : availability;
    }

    /** A schedulable machine without stated capacity, as fleet saw every machine. */
    public Machine(String id, String ip, Map<String, String> metadata) {
        this(id, ip, metadata, Resources.NONE, Availability.SCHEDULABLE);
    }

    /** A machine without IP or metadata. */
    public static Machine of(String id) {
        return new Machine(id, "", Map.of());
    }

    /** The 8-character short id (the whole id when it is shorter). */
    public String shortId() {
        return id.length() <= SHORT_ID_LENGTH ? id : id.substring(0, SHORT_ID_LENGTH);
    }
}
