package org.fleetj.fleetd.ops;

/** A request the journal/status/dashboard endpoints refuse, with the HTTP status and a message naming what was wrong. */
final class OpsException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    OpsException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
