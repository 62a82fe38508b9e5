package org.fleetj.unit;

import java.util.Objects;

/**
 * One {@code MachineMetadata=} entry of [X-Fleet]: {@code key=value}, or beyond fleet {@code key!=value}
 * ({@code negated}), which excludes machines whose metadata has that value for that key.
 */
public record MetadataRequirement(String key, String value, boolean negated) {
    public MetadataRequirement {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
