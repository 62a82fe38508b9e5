package org.fleetj.registry;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A live machine as the cluster sees it: id from /etc/machine-id, public IP (may be empty), metadata
 * (config metadata merged with the dynamic metadata set through the API), fleetd's version, and the URL of
 * fleetd's API on that machine as other fleetds reach it (empty when it has no TCP listener; fleetds relay
 * journal and status requests there). Immutable; metadata is kept sorted by key.
 */
public record MachineState(String id, String publicIp, Map<String, String> metadata, String version, String apiUrl) {
    public MachineState {
        Objects.requireNonNull(id, "id");
        publicIp = publicIp == null ? "" : publicIp;
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
        version = version == null ? "" : version;
        apiUrl = apiUrl == null ? "" : apiUrl;
    }

    /** A machine that announces no API address. */
    public MachineState(String id, String publicIp, Map<String, String> metadata, String version) {
        this(id, publicIp, metadata, version, "");
    }

    /** The same machine with other metadata (dynamic metadata merged over its own). */
    public MachineState withMetadata(Map<String, String> merged) {
        return new MachineState(id, publicIp, merged, version, apiUrl);
    }

    /** fleet's short machine id: the first 8 characters. */
    public String shortId() {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}
