package org.fleetj.fleetd;

/** fleetd's version, as registered with each machine and sent in the API's Server header. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {
    }
}
