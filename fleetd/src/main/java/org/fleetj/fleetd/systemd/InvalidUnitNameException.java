package org.fleetj.fleetd.systemd;

/** A unit name that systemd would not accept, or one that would escape the units directory. */
public final class InvalidUnitNameException extends SystemdException {
    private static final long serialVersionUID = 1L;

    public InvalidUnitNameException(String message) {
        super(message);
    }
}
