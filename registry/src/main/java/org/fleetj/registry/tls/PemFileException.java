package org.fleetj.registry.tls;

/** A PEM file that cannot be used: missing, unreadable, empty, encrypted or of an unsupported kind (named). */
public final class PemFileException extends Exception {
    public PemFileException(String message) {
        super(message);
    }

    public PemFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
