package org.fleetj.scheduler;

import java.util.Map;
import java.util.Objects;

/**
 * A machine as the scheduler sees it.
 *
 * @param id       the full machine id (normally 32 hex characters from /etc/machine-id)
 * @param ip       its public IP, or "" when it publishes none; only carried for the caller's convenience
 * @param metadata its metadata (config merged with dynamic metadata), one value per key
 */
public record Machine(String id, String ip, Map<String, String> metadata) {

    /** Length of the short machine id fleet prints and accepts in {@code MachineID=}. */
    public static final int SHORT_ID_LENGTH = 8;

    public Machine {
        Objects.requireNonNull(id, "machine id");
        if (id.isBlank()) {
            throw new InvalidSnapshotException("machine id must not be blank");
        }
        ip = ip == null ? "" : ip;
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata of machine " + id));
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
