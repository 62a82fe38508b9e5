package org.fleetj.registry;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.fleetj.api.MachineIds;
import org.fleetj.unit.Resources;

/**
 * A live machine as the cluster sees it: id from /etc/machine-id, public IP (may be empty), metadata
 * (config metadata merged with the dynamic metadata set through the API), fleetd's version, and beyond fleet
 * the capacity it announces for units (CPU and memory, {@link Resources#NONE} from older announcements) and its
 * {@link MachineAvailability} (cordon/drain).
 * Immutable; metadata is kept sorted by key.
 */
public record MachineState(String id, String publicIp, Map<String, String> metadata, String version,
                           Resources capacity, MachineAvailability availability) {

    /** A machine as fleet announced one: no stated capacity, schedulable. */
    public MachineState(String id, String publicIp, Map<String, String> metadata, String version) {
        this(id, publicIp, metadata, version, Resources.NONE, MachineAvailability.SCHEDULABLE);
    }

    public MachineState {
        Objects.requireNonNull(id, "id");
        publicIp = publicIp == null ? "" : publicIp;
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
        version = version == null ? "" : version;
        capacity = capacity == null ? Resources.NONE : capacity;
        availability = availability == null ? MachineAvailability.SCHEDULABLE : availability;
    }

    /** The same machine with another availability (the announcement does not carry it; the registry adds it). */
    public MachineState withAvailability(MachineAvailability a) {
        return new MachineState(id, publicIp, metadata, version, capacity, a);
    }

    /** fleet's short machine id: the first 8 characters. */
    public String shortId() {
        return MachineIds.shortId(id);
    }
}
