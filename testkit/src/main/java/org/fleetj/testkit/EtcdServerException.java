package org.fleetj.testkit;

/** etcd could not be started, stopped or reached. */
public final class EtcdServerException extends TestkitException {
    private static final long serialVersionUID = 1L;

    public EtcdServerException(String message) {
        super(message);
    }

    public EtcdServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
