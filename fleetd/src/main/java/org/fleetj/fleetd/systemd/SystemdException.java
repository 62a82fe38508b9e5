package org.fleetj.fleetd.systemd;

import java.util.Optional;

/**
 * A systemd operation failed. When systemd (or the bus) answered with a D-Bus error, its name (for
 * example {@code org.freedesktop.systemd1.NoSuchUnit}) is kept so callers can react to specific errors;
 * the message always names the operation and the unit it was about.
 */
public class SystemdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String dbusErrorName;

    public SystemdException(String message) {
        this(null, message, null);
    }

    public SystemdException(String dbusErrorName, String message, Throwable cause) {
        super(message, cause);
        this.dbusErrorName = dbusErrorName;
    }

    /** The D-Bus error name systemd or the bus replied with, if the failure came from the bus. */
    public Optional<String> dbusErrorName() {
        return Optional.ofNullable(dbusErrorName);
    }
}
