package org.fleetj.registry;

/** Typed registry failure; the message says what happened in words an operator can act on. */
public class UnitExistsException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public UnitExistsException(String message) {
        super(message);
    }

    public UnitExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
