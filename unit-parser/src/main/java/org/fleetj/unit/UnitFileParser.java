package org.fleetj.unit;

import java.util.List;

/** Placeholder: the unit-parser work replaces this with the real parser. */
final class UnitFileParser {
    private UnitFileParser() {
    }

    static List<UnitOption> parse(String text) throws UnitParseException {
        throw new UnitParseException("parser not written yet");
    }
}
