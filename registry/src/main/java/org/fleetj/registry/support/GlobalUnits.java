package org.fleetj.registry.support;

import org.fleetj.unit.UnitFile;
import org.fleetj.unit.XFleetParser;

/**
 * Whether a unit is global ({@code [X-Fleet] Global=}), which the registry needs to keep its {@code global/}
 * index in step with the job, in the same transaction: fleet's one rule, {@link XFleetParser#isGlobal}.
 */
public final class GlobalUnits {
    private GlobalUnits() {
    }

    public static boolean isGlobal(String unitName, UnitFile unit) {
        return XFleetParser.isGlobal(unit, unitName);
    }
}
