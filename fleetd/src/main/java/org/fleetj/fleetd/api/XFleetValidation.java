package org.fleetj.fleetd.api;

import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;

/** Refuses units whose [X-Fleet] requirements are invalid or cannot be met together (400, with the parser's reason). */
final class XFleetValidation {
    private static final String PREFIX = "invalid [X-Fleet] requirements: ";

    private XFleetValidation() {
    }

    /** The parser's reason without a prefix saying the same, so the message says it once. */
    private static String withoutPrefix(String message) {
        if (message.startsWith(PREFIX)) return message.substring(PREFIX.length());
        if (message.startsWith("[X-Fleet] ")) return message.substring("[X-Fleet] ".length());
        return message;
    }

    static XFleet check(String name, UnitFile unit) throws ApiException {
        try {
            return XFleet.from(unit, name);
        } catch (UnitParseException e) {
            throw ApiException.badRequest(PREFIX + withoutPrefix(e.getMessage()));
        }
    }
}
