package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * fleet's rule for a global unit, every word it accepts and every kind of word it does not: the last
 * {@code [X-Fleet] Global=} value is one of {@code true yes 1 on t} in any case. The parser, the registry, the
 * API and fleetctl all ask {@link XFleetParser#isGlobal(UnitFile, String)}; the parser's own reading agrees.
 */
class GlobalRuleTest {
    private static UnitFile unit(String... xfleet) {
        StringBuilder sb = new StringBuilder("[Service]\nExecStart=/bin/true\n[X-Fleet]\n");
        for (String line : xfleet) sb.append(line).append('\n');
        try {
            return UnitFile.parse(sb.toString());
        } catch (UnitParseException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "Global={0} is global")
    @ValueSource(strings = {"true", "TRUE", "True", "yes", "Yes", "YES", "1", "on", "On", "ON", "t", "T"})
    void everyTrueWordInAnyCaseIsGlobal(String word) throws UnitParseException {
        UnitFile u = unit("Global=" + word);
        assertTrue(XFleetParser.isGlobal(u, "g.service"));
        assertTrue(XFleet.from(u, "g.service").global());
        assertTrue(XFleetParser.warnings(u).isEmpty(), XFleetParser.warnings(u).toString());
    }

    @ParameterizedTest(name = "Global={0} is not global")
    @ValueSource(strings = {"false", "FALSE", "no", "0", "off", "f", "F"})
    void falseWordsAreNotGlobalWithoutWarning(String word) throws UnitParseException {
        UnitFile u = unit("Global=" + word);
        assertFalse(XFleetParser.isGlobal(u, "g.service"));
        assertFalse(XFleet.from(u, "g.service").global());
        assertTrue(XFleetParser.warnings(u).isEmpty(), XFleetParser.warnings(u).toString());
    }

    @ParameterizedTest(name = "Global={0} is not global, with a warning")
    @ValueSource(strings = {"maybe", "y", "n", "2", "tru", "truee", "enabled", "\"yes no\"x"})
    void anyOtherWordIsNotGlobalAsInFleetAndWarns(String word) throws UnitParseException {
        UnitFile u = unit("Global=" + word);
        assertFalse(XFleetParser.isGlobal(u, "g.service"));
        assertFalse(XFleet.from(u, "g.service").global());
        List<String> warnings = XFleetParser.warnings(u);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("not global"), warnings.toString());
    }

    @Test
    void theLastValueWinsIncludingQuotedMultiValues() throws UnitParseException {
        assertFalse(XFleetParser.isGlobal(unit("Global=yes", "Global=no"), "g.service"));
        assertTrue(XFleetParser.isGlobal(unit("Global=no", "Global=on"), "g.service"));
        assertTrue(XFleetParser.isGlobal(unit("Global=\"no\" \"yes\""), "g.service"));
        assertFalse(XFleetParser.isGlobal(unit(), "g.service"));
    }

    @Test
    void aUnitWhoseRequirementsAreInvalidIsStillAskedTheSameRule() {
        // MachineID with Global is refused by the parser, yet the registry must still know the unit is global
        UnitFile u = unit("Global=yes", "MachineID=abc");
        assertTrue(XFleetParser.isGlobal(u, "g.service"));
        assertTrue(XFleetParser.isGlobal(u, "not a valid name"));
    }
}
