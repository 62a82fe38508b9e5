package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class XFleetParserTest {

    private static XFleet xfleet(String name, String... xfleetLines) throws UnitParseException {
        return XFleet.from(unit(xfleetLines), name);
    }

    private static UnitFile unit(String... xfleetLines) throws UnitParseException {
        return UnitFile.parse("[Unit]\nDescription=t\n\n[Service]\nExecStart=/bin/true\n\n[X-Fleet]\n"
                + String.join("\n", xfleetLines) + "\n");
    }

    private static MetadataRequirement md(String key, String value) {
        return new MetadataRequirement(key, value, false);
    }

    @Test
    void unitWithoutXFleetSectionHasNoRequirements() throws UnitParseException {
        assertSame(XFleet.NONE, XFleet.from(UnitFile.parse("[Unit]\nDescription=x\n"), "a.service"));
    }

    @Test
    void emptyXFleetSectionHasNoRequirements() throws UnitParseException {
        assertEquals(XFleet.NONE, XFleet.from(UnitFile.parse("[X-Fleet]\n"), "a.service"));
    }

    /** (case, unit name, [X-Fleet] lines, expected). */
    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("MachineID: the first value only", "a.service",
                        List.of("MachineID=abc", "MachineID=def"),
                        new XFleet(Optional.of("abc"), List.of(), List.of(), List.of(), false, List.of())),
                Arguments.of("legacy X-ConditionMachineID", "a.service",
                        List.of("X-ConditionMachineID=abc"),
                        new XFleet(Optional.of("abc"), List.of(), List.of(), List.of(), false, List.of())),
                Arguments.of("MachineID wins over the legacy key wherever it appears", "a.service",
                        List.of("X-ConditionMachineID=old", "MachineID=new"),
                        new XFleet(Optional.of("new"), List.of(), List.of(), List.of(), false, List.of())),
                Arguments.of("legacy X-ConditionMachineBootID is the last resort", "a.service",
                        List.of("X-ConditionMachineBootID=boot"),
                        new XFleet(Optional.of("boot"), List.of(), List.of(), List.of(), false, List.of())),
                Arguments.of("X-ConditionMachineID wins over X-ConditionMachineBootID", "a.service",
                        List.of("X-ConditionMachineBootID=boot", "X-ConditionMachineID=mid"),
                        new XFleet(Optional.of("mid"), List.of(), List.of(), List.of(), false, List.of())),
                Arguments.of("MachineOf: every value, legacy first", "a.service",
                        List.of("MachineOf=b.service", "X-ConditionMachineOf=c.service", "MachineOf=d.service"),
                        new XFleet(Optional.empty(), List.of("c.service", "b.service", "d.service"), List.of(), List.of(), false, List.of())),
                Arguments.of("MachineMetadata: several keys and values", "a.service",
                        List.of("MachineMetadata=role=web", "MachineMetadata=region=east", "X-ConditionMachineMetadata=disk=ssd"),
                        new XFleet(Optional.empty(), List.of(),
                                List.of(md("disk", "ssd"), md("role", "web"), md("region", "east")), List.of(), false, List.of())),
                Arguments.of("MachineMetadata: entries that are not exactly key=value are ignored", "a.service",
                        List.of("MachineMetadata=plain", "MachineMetadata=a=b=c", "MachineMetadata==v",
                                "MachineMetadata=k=", "MachineMetadata=", "MachineMetadata=!=v", "MachineMetadata=ok=1"),
                        new XFleet(Optional.empty(), List.of(), List.of(md("ok", "1")), List.of(), false, List.of())),
                Arguments.of("MachineMetadata: key!=value is a negated requirement", "a.service",
                        List.of("MachineMetadata=disk!=hdd", "MachineMetadata=role=web"),
                        new XFleet(Optional.empty(), List.of(),
                                List.of(new MetadataRequirement("disk", "hdd", true), md("role", "web")), List.of(), false, List.of())),
                Arguments.of("MachineMetadata: fleet's quoted multi-value form", "a.service",
                        List.of("MachineMetadata=\"role=web\" \"region=east\""),
                        new XFleet(Optional.empty(), List.of(), List.of(md("role", "web"), md("region", "east")), List.of(), false, List.of())),
                Arguments.of("MachineMetadata: a space inside quotes stays in the value", "a.service",
                        List.of("MachineMetadata=\"name=a b\" \"x=y\""),
                        new XFleet(Optional.empty(), List.of(), List.of(md("name", "a b"), md("x", "y")), List.of(), false, List.of())),
                Arguments.of("Conflicts: globs split on whitespace, legacy first, duplicates once", "a.service",
                        List.of("Conflicts=b*.service  c?.service", "X-Conflicts=old*", "Conflicts=\tb*.service d.service"),
                        new XFleet(Optional.empty(), List.of(), List.of(), List.of("old*", "b*.service", "c?.service", "d.service"), false, List.of())),
                Arguments.of("Global=true", "a.service", List.of("Global=true"),
                        new XFleet(Optional.empty(), List.of(), List.of(), List.of(), true, List.of())),
                Arguments.of("Global: fleet's other true words", "a.service", List.of("Global=yes", "Global=On", "Global=1", "Global=T"),
                        new XFleet(Optional.empty(), List.of(), List.of(), List.of(), true, List.of())),
                Arguments.of("Global: the last value wins", "a.service", List.of("Global=true", "Global=false"),
                        new XFleet(Optional.empty(), List.of(), List.of(), List.of(), false, List.of())),
                Arguments.of("Global: any word that is not a true word means not global, as in fleet", "a.service",
                        List.of("Global=maybe"), new XFleet(Optional.empty(), List.of(), List.of(), List.of(), false, List.of())),
                Arguments.of("Global: false words", "a.service", List.of("Global=no", "Global=0", "Global=OFF", "Global=f"),
                        new XFleet(Optional.empty(), List.of(), List.of(), List.of(), false, List.of())),
                Arguments.of("Global with metadata and conflicts is fine", "a.service",
                        List.of("Global=true", "MachineMetadata=role=web", "Conflicts=b.service"),
                        new XFleet(Optional.empty(), List.of(), List.of(md("role", "web")), List.of("b.service"), true, List.of())),
                Arguments.of("Replaces: every value", "a.service", List.of("Replaces=old.service", "Replaces=older*.service"),
                        new XFleet(Optional.empty(), List.of(), List.of(), List.of(), false, List.of("old.service", "older*.service"))),
                Arguments.of("specifiers expanded for an instance", "web@3.service",
                        List.of("MachineOf=%p-db@%i.service", "Conflicts=%p@*.service", "MachineMetadata=slot=%i",
                                "Replaces=%N-old.service"),
                        new XFleet(Optional.empty(), List.of("web-db@3.service"), List.of(md("slot", "3")),
                                List.of("web@*.service"), false, List.of("web@3-old.service"))),
                Arguments.of("%n is the full name, %% a literal %, unknown specifiers stay", "web@3.service",
                        List.of("MachineMetadata=unit=%n", "MachineMetadata=pct=100%%", "MachineMetadata=host=%H", "MachineMetadata=end=x%"),
                        new XFleet(Optional.empty(), List.of(),
                                List.of(md("unit", "web@3.service"), md("pct", "100%"), md("host", "%H"), md("end", "x%")),
                                List.of(), false, List.of())),
                Arguments.of("%% is not re-expanded: %%i stays %i", "web@3.service",
                        List.of("MachineMetadata=k=%%i"),
                        new XFleet(Optional.empty(), List.of(), List.of(md("k", "%i")), List.of(), false, List.of())),
                Arguments.of("%i is empty for a plain unit", "web.service", List.of("MachineMetadata=k=a%ib"),
                        new XFleet(Optional.empty(), List.of(), List.of(md("k", "ab")), List.of(), false, List.of())),
                Arguments.of("MachineOf peer not matched by the Conflicts globs", "side@1.service",
                        List.of("MachineOf=main@%i.service", "Conflicts=side@*.service"),
                        new XFleet(Optional.empty(), List.of("main@1.service"), List.of(), List.of("side@*.service"), false, List.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parses(String description, String name, List<String> lines, XFleet expected) throws UnitParseException {
        assertEquals(expected, xfleet(name, lines.toArray(String[]::new)));
    }

    /** (case, unit name, [X-Fleet] lines, fragments the message must contain). */
    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("MachineID with MachineOf", "a.service", List.of("MachineID=m", "MachineOf=b.service"), List.of("MachineID", "MachineOf")),
                Arguments.of("legacy MachineID with legacy MachineOf", "a.service",
                        List.of("X-ConditionMachineID=m", "X-ConditionMachineOf=b.service"), List.of("MachineID", "MachineOf")),
                Arguments.of("MachineID with Conflicts", "a.service", List.of("MachineID=m", "Conflicts=b*"), List.of("MachineID", "Conflicts")),
                Arguments.of("MachineID with Global", "a.service", List.of("MachineID=m", "Global=true"), List.of("MachineID", "Global")),
                Arguments.of("MachineID with Replaces", "a.service", List.of("MachineID=m", "Replaces=b.service"), List.of("MachineID", "Replaces")),
                Arguments.of("Global with MachineOf", "a.service", List.of("Global=true", "MachineOf=b.service"), List.of("Global", "MachineOf")),
                Arguments.of("Global with Replaces", "a.service", List.of("Global=true", "Replaces=b.service"), List.of("Global", "Replaces")),
                Arguments.of("MachineOf peer matches a Conflicts glob", "a.service",
                        List.of("MachineOf=b.service", "Conflicts=b*"), List.of("unresolvable requirements", "MachineOf=b.service", "Conflicts=b*")),
                Arguments.of("MachineOf peer matches a Conflicts glob after expansion", "side@1.service",
                        List.of("MachineOf=main@%i.service", "Conflicts=main@*.service"), List.of("unresolvable requirements", "MachineOf=main@1.service")),
                Arguments.of("MachineOf peer matches a Replaces glob", "a.service",
                        List.of("MachineOf=b.service", "Replaces=b.service"), List.of("unresolvable requirements", "Replaces=b.service")),
                Arguments.of("empty MachineID", "a.service", List.of("MachineID="), List.of("MachineID", "empty")),
                Arguments.of("empty MachineOf", "a.service", List.of("MachineOf="), List.of("MachineOf", "empty")),
                Arguments.of("empty Replaces", "a.service", List.of("Replaces="), List.of("Replaces", "empty")),
                Arguments.of("malformed Conflicts glob", "a.service", List.of("Conflicts=a[b"), List.of("Conflicts", "a[b")),
                Arguments.of("malformed Replaces glob", "a.service", List.of("Replaces=x[]"), List.of("Replaces", "invalid glob", "x[]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsNamingTheOptions(String description, String name, List<String> lines, List<String> fragments) {
        UnitParseException e = assertThrows(UnitParseException.class, () -> xfleet(name, lines.toArray(String[]::new)));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }

    @Test
    void rejectsAnInvalidUnitNameWithTheTypedError() {
        InvalidUnitNameException e = assertThrows(InvalidUnitNameException.class, () -> xfleet("no-suffix", "Global=true"));
        assertEquals(InvalidUnitNameException.Rule.MISSING_SUFFIX, e.rule());
    }

    @Test
    void unknownKeysAreWarningsNotErrors() throws UnitParseException {
        UnitFile u = unit("Weight=5", "MachineMetadata=role=web", "Foo=bar", "Foo=baz");
        assertEquals(List.of(md("role", "web")), XFleet.from(u, "a.service").metadata());
        assertEquals(List.of(
                "unrecognized requirement in [X-Fleet] section: \"Weight\"",
                "unrecognized requirement in [X-Fleet] section: \"Foo\""), XFleetParser.warnings(u));
    }

    @Test
    void ignoredMetadataAndExtraMachineIdsAreWarned() throws UnitParseException {
        UnitFile u = unit("MachineMetadata=plain", "MachineID=a", "X-ConditionMachineID=b");
        List<String> w = XFleetParser.warnings(u);
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).contains("ignored MachineMetadata entry \"plain\""), w.get(0));
        assertTrue(w.get(1).contains("only the first one is used"), w.get(1));
    }

    @Test
    void knownKeysAndLegacyAliasesGiveNoWarnings() throws UnitParseException {
        UnitFile u = unit("X-ConditionMachineOf=b.service", "MachineOf=c.service", "X-ConditionMachineMetadata=a=b",
                "MachineMetadata=c=d", "X-Conflicts=x*", "Conflicts=y*", "Replaces=z.service", "Global=false");
        assertEquals(List.of(), XFleetParser.warnings(u));
        assertFalse(XFleet.from(u, "a.service").global());
    }

    @Test
    void optionsOutsideXFleetAreNotRequirements() throws UnitParseException {
        UnitFile u = UnitFile.parse("[Unit]\nConflicts=other.service\nMachineID=x\n[Service]\nGlobal=true\n");
        assertSame(XFleet.NONE, XFleet.from(u, "a.service"));
        assertEquals(List.of(), XFleetParser.warnings(u));
    }
}
