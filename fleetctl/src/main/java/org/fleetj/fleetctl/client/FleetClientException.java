package org.fleetj.fleetctl.client;

/** A failure talking to the cluster; the message is meant for the user. */
public class FleetClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FleetClientException(String message) {
        super(message);
    }

    public FleetClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
