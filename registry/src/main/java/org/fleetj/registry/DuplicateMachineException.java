package org.fleetj.registry;

/** Typed registry failure; the message says what happened in words an operator can act on. */
public class DuplicateMachineException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public DuplicateMachineException(String message) {
        super(message);
    }

    public DuplicateMachineException(String message, Throwable cause) {
        super(message, cause);
    }
}
