package org.fleetj.scheduler;

/** A cluster snapshot that cannot be planned from (duplicate names, blank ids...); the message names the culprit. */
public final class InvalidSnapshotException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSnapshotException(String message) {
        super(message);
    }
}
