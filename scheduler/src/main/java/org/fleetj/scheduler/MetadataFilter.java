package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fleetj.unit.MetadataRequirement;

/**
 * A unit's MachineMetadata requirements grouped by key: OR within a key, AND across keys, and every
 * {@code key!=value} must hold. Two filters are equal when they accept the same machines for the same
 * reasons (value order does not matter), so units with equal filters can share one index of the machines
 * that pass.
 */
final class MetadataFilter {

    /** The filter of a unit without MachineMetadata: every machine passes. */
    static final MetadataFilter NONE = new MetadataFilter(Map.of(), Map.of());

    /** Positive requirements: key to accepted values. */
    private final Map<String, Set<String>> required;
    /** Negated requirements: key to excluded values. */
    private final Map<String, Set<String>> excluded;
    /** The filter is a key of the ranker's per-filter load orders, looked up once per unit placed: hashed once. */
    private final int hash;

    private MetadataFilter(Map<String, Set<String>> required, Map<String, Set<String>> excluded) {
        this.required = required;
        this.excluded = excluded;
        this.hash = 31 * required.hashCode() + excluded.hashCode();
    }

    static MetadataFilter of(List<MetadataRequirement> requirements) {
        if (requirements.isEmpty()) {
            return NONE;
        }
        Map<String, Set<String>> required = new LinkedHashMap<>();
        Map<String, Set<String>> excluded = new LinkedHashMap<>();
        for (MetadataRequirement r : requirements) {
            (r.negated() ? excluded : required).computeIfAbsent(r.key(), k -> new LinkedHashSet<>()).add(r.value());
        }
        return new MetadataFilter(required, excluded);
    }

    /** This filter with {@code key=value} required as well (a value already required for the key narrows to it). */
    MetadataFilter and(String key, String value) {
        Map<String, Set<String>> req = new LinkedHashMap<>(required);
        req.put(key, Set.of(value));
        if (required.containsKey(key) && !required.get(key).contains(value)) {
            req.put(key, Set.of()); // no machine has a value in an empty set: nothing passes
        }
        return new MetadataFilter(req, excluded);
    }

    /** Whether the filter states any requirement. */
    boolean isEmpty() {
        return required.isEmpty() && excluded.isEmpty();
    }

    /** Whether a machine with {@code metadata} passes (a machine without a negated key passes that negation). */
    boolean passes(Map<String, String> metadata) {
        for (Map.Entry<String, Set<String>> e : required.entrySet()) {
            String have = metadata.get(e.getKey());
            if (have == null || !e.getValue().contains(have)) {
                return false;
            }
        }
        for (Map.Entry<String, Set<String>> e : excluded.entrySet()) {
            String have = metadata.get(e.getKey());
            if (have != null && e.getValue().contains(have)) {
                return false;
            }
        }
        return true;
    }

    /** Why a machine with {@code metadata} does not pass, or null when it does. */
    String mismatch(Map<String, String> metadata) {
        for (Map.Entry<String, Set<String>> e : required.entrySet()) {
            String have = metadata.get(e.getKey());
            if (have == null || !e.getValue().contains(have)) {
                return "MachineMetadata " + e.getKey() + "=" + String.join("|", e.getValue()) + " not met ("
                        + (have == null ? "machine has no " + e.getKey() : "machine has " + e.getKey() + "=" + have) + ")";
            }
        }
        for (Map.Entry<String, Set<String>> e : excluded.entrySet()) {
            String have = metadata.get(e.getKey());
            if (have != null && e.getValue().contains(have)) {
                return "MachineMetadata " + e.getKey() + "!=" + have + " not met (machine has " + e.getKey() + "=" + have + ")";
            }
        }
        return null;
    }

    /** A short description, for "no machine passes ..." reasons. */
    String description() {
        List<String> parts = new ArrayList<>();
        required.forEach((k, v) -> parts.add(k + "=" + String.join("|", v)));
        excluded.forEach((k, v) -> v.forEach(value -> parts.add(k + "!=" + value)));
        return String.join(", ", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof MetadataFilter other && hash == other.hash && required.equals(other.required)
                && excluded.equals(other.excluded);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return description();
    }
}
