package org.fleetj.fleetd.systemd;

/**
 * The D-Bus connection to systemd is not there: it could not be opened, or it dropped and is being
 * re-established in the background. Callers may retry later; nothing was done.
 */
public final class SystemdUnavailableException extends SystemdException {
    private static final long serialVersionUID = 1L;

    public SystemdUnavailableException(String message, Throwable cause) {
        super(null, message, cause);
    }
}
