package org.fleetj.unit;

import java.util.Objects;

/** One {@code Name=Value} line of a unit file, with the section it belongs to. Immutable. */
public record UnitOption(String section, String name, String value) {
    public UnitOption {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
