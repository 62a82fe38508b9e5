package org.fleetj.fleetctl.output;

/** A {@code --fields} value fleetctl cannot print; the message is fleet's. */
public final class InvalidFieldsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidFieldsException(String message) {
        super(message);
    }
}
