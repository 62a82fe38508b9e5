package org.fleetj.fleetd.access;

import java.util.Locale;

/** What a caller of fleetd's API may do: READ lists and reads journals; WRITE may also change the cluster. */
public enum Role {
    READ, WRITE;

    /** Whether this role may send a request with this HTTP method (only GET and HEAD read). */
    public boolean permits(String method) {
        return this == WRITE || method.equals("GET") || method.equals("HEAD");
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code read} or {@code write}, as fleet.conf spells them. */
    public static Role parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "read", "read-only", "readonly" -> READ;
            case "write", "read-write" -> WRITE;
            default -> throw new IllegalArgumentException("unknown role \"" + text + "\": expected read or write");
        };
    }
}
