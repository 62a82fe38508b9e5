package org.fleetj.fleetd.daemon;

/** fleetd cannot start; the message says what is wrong and is printed as is. */
public final class FleetdStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public FleetdStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
