package org.fleetj.registry;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A live machine as the cluster sees it: id from /etc/machine-id, public IP (may be empty), metadata
 * (config metadata merged with the dynamic metadata set through the API), and fleetd's version.
 * Immutable; metadata is kept sorted by key.
 */
public record MachineState(String id, String publicIp, Map<String, String> metadata, String version) {
    public MachineState {
        Objects.requireNonNull(id, "id");
        publicIp = publicIp == null ? "" : publicIp;
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
        version = version == null ? "" : version;
    }

    /** fleet's short machine id: the first 8 characters. */
    public String shortId() {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}
