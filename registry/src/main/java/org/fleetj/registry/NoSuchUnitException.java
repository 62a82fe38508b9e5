package org.fleetj.registry;

/** Typed registry failure; the message says what happened in words an operator can act on. */
public class NoSuchUnitException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public NoSuchUnitException(String message) {
        super(message);
    }

    public NoSuchUnitException(String message, Throwable cause) {
        super(message, cause);
    }
}
