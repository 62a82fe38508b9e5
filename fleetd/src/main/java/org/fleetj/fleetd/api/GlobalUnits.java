package org.fleetj.fleetd.api;

import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;

/** Whether a stored unit is global ([X-Fleet] Global, read by the same parser the agents and engine use). */
public final class GlobalUnits {
    private GlobalUnits() {
    }

    public static boolean isGlobal(UnitFile unit, String name) {
        try {
            return XFleet.from(unit, name).global();
        } catch (UnitParseException e) {
            // the API refuses such units on PUT; one stored by other means is shown as not global
            return false;
        }
    }
}
