package org.fleetj.unit;

import java.util.regex.Pattern;

/** SHA1 of a unit's canonical serialization, as 40 lowercase hex characters (fleet's unit hash). */
public record UnitHash(String hex) {
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

    public UnitHash {
        if (hex == null || !HEX40.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a unit hash (40 lowercase hex characters): " + hex);
        }
    }

    /** The 7-character form fleetctl prints. */
    public String shortForm() {
        return hex.substring(0, 7);
    }

    @Override
    public String toString() {
        return hex;
    }
}
