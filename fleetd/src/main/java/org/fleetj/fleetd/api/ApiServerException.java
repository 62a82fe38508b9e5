package org.fleetj.fleetd.api;

/** The API server could not start (a listener could not be opened, TLS material is unusable, ...); the message says which and why. */
public final class ApiServerException extends Exception {
    private static final long serialVersionUID = 1L;

    public ApiServerException(String message) {
        super(message);
    }

    public ApiServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
