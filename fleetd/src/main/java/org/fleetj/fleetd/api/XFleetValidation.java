package org.fleetj.fleetd.api;

import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;

/** Refuses units whose [X-Fleet] requirements are invalid or cannot be met together (400, with the parser's reason). */
final class XFleetValidation {
    private XFleetValidation() {
    }

    static XFleet check(String name, UnitFile unit) throws ApiException {
        try {
            return XFleet.from(unit, name);
        } catch (UnitParseException e) {
            throw ApiException.badRequest("invalid [X-Fleet] requirements: " + e.getMessage());
        }
    }
}
