package org.fleetj.testkit;

/** scripts/local-cluster failed, timed out, or the cluster's state is not what was asked for. */
public final class LocalClusterException extends TestkitException {
    private static final long serialVersionUID = 1L;

    public LocalClusterException(String message) {
        super(message);
    }

    public LocalClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
