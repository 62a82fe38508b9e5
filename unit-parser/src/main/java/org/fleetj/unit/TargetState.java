package org.fleetj.unit;

import java.util.Locale;

/**
 * The state a user wants a unit in (fleet's "desired state" / DSTATE), also used for the computed
 * current state. Ordered: inactive &lt; loaded &lt; launched.
 */
public enum TargetState {
    /** In the registry, not scheduled. */
    INACTIVE,
    /** Scheduled; unit file written and loaded by systemd, not started. */
    LOADED,
    /** Scheduled and started. */
    LAUNCHED;

    /** The lower-case word fleet uses on the wire and in tables. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses fleet's wire word; throws {@link IllegalArgumentException} naming the bad value. */
    public static TargetState fromWire(String s) {
        if (s != null) {
            for (TargetState t : values()) {
                if (t.wireName().equals(s)) return t;
            }
        }
        throw new IllegalArgumentException("invalid desired state \"" + s + "\": must be one of inactive, loaded, launched");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
