package org.fleetj.fleetctl.command;

/** A command cannot go on; its message is printed to stderr as is and fleetctl exits 1. */
public final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandFailedException(String message) {
        super(message);
    }

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
