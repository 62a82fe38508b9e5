package org.fleetj.fleetd.systemd;

/**
 * A change of the D-Bus connection to systemd, for operators and for the agent (which may want to
 * re-check everything after {@link Kind#RECONNECTED}; the systemd layer already re-reads watched units).
 *
 * @param kind   what happened
 * @param bus    which bus (human readable)
 * @param detail the cause of a loss, or how long the outage lasted
 */
public record BusConnectionEvent(Kind kind, String bus, String detail) {
    public enum Kind { CONNECTED, LOST, RECONNECTED }
}
