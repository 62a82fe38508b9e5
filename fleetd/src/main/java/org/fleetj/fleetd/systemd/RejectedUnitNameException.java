package org.fleetj.fleetd.systemd;

/**
 * A unit name refused before anything reached systemd or the disk: it breaks fleet's unit-name rules
 * (see {@link org.fleetj.unit.UnitName}) or would address a file outside the units directory.
 */
public final class RejectedUnitNameException extends SystemdException {
    private static final long serialVersionUID = 1L;

    public RejectedUnitNameException(String message, Throwable cause) {
        super(null, message, cause);
    }
}
