package org.fleetj.registry;

/** Typed registry failure; the message says what happened in words an operator can act on. */
public class LeadershipLostException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public LeadershipLostException(String message) {
        super(message);
    }

    public LeadershipLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
