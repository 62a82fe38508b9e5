package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The canonical serialization and fleet's hash, checked against the value captured from real fleet. */
class UnitHashTest {

    /** Captured from fleet v1.0 (docs/fleet-compatibility.md): hello.service's unit hash. */
    private static final String FLEET_HELLO_HASH = "524c78430e3344e72e932522ab019c53b09e58ed";

    private static final String CANONICAL = "[Unit]\nDescription=Hello loop\n\n[Service]\n"
            + "ExecStart=/bin/sh -c 'while true; do echo hi; sleep 1; done'\n";

    /** Different spellings of the same unit: comments, whitespace, blank lines and line ends never change the hash. */
    static Stream<Arguments> spellingsOfTheTestVector() {
        return Stream.of(
                Arguments.of("canonical", CANONICAL),
                Arguments.of("no blank line, no trailing newline",
                        "[Unit]\nDescription=Hello loop\n[Service]\nExecStart=/bin/sh -c 'while true; do echo hi; sleep 1; done'"),
                Arguments.of("comments everywhere",
                        "# hello\n; world\n[Unit]\n# desc follows\nDescription=Hello loop\n; svc\n[Service]\n"
                                + "#ExecStart=/bin/false\nExecStart=/bin/sh -c 'while true; do echo hi; sleep 1; done'\n# end\n"),
                Arguments.of("whitespace around everything",
                        "\n\n   [Unit]   \n\t Description \t=  Hello loop  \n\n\n  [Service]\n"
                                + "   ExecStart   =   /bin/sh -c 'while true; do echo hi; sleep 1; done'   \n\n\n"),
                Arguments.of("CRLF", CANONICAL.replace("\n", "\r\n")),
                Arguments.of("byte order mark", "\uFEFF" + CANONICAL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spellingsOfTheTestVector")
    void hashMatchesFleet(String description, String text) throws UnitParseException {
        UnitFile unit = UnitFile.parse(text);
        assertEquals(CANONICAL, unit.serialize());
        assertEquals(FLEET_HELLO_HASH, unit.hash().hex());
        assertEquals("524c784", unit.hash().shortForm());
    }

    @Test
    void sectionsAreGroupedInOrderOfFirstAppearance() throws UnitParseException {
        UnitFile unit = UnitFile.parse("[Unit]\nA=1\n[Service]\nB=2\n[Unit]\nC=3\n[X-Fleet]\nD=4\n");
        assertEquals("[Unit]\nA=1\nC=3\n\n[Service]\nB=2\n\n[X-Fleet]\nD=4\n", unit.serialize());
    }

    @Test
    void continuationIsSerializedVerbatim() throws UnitParseException {
        UnitFile unit = UnitFile.parse("[Service]\nExecStart=/bin/sh -c \\\n   'echo hi'\n");
        assertEquals("[Service]\nExecStart=/bin/sh -c \\\n   'echo hi'\n", unit.serialize());
    }

    @Test
    void changingAValueOrTheOrderChangesTheHash() throws UnitParseException {
        UnitHash base = UnitFile.parse(CANONICAL).hash();
        assertNotEquals(base, UnitFile.parse(CANONICAL.replace("hi", "ho")).hash());
        String swapped = "[Service]\nExecStart=/bin/sh -c 'while true; do echo hi; sleep 1; done'\n\n[Unit]\nDescription=Hello loop\n";
        assertNotEquals(base, UnitFile.parse(swapped).hash());
        assertNotEquals(UnitFile.parse("[Unit]\nA=1\nA=2\n").hash(), UnitFile.parse("[Unit]\nA=2\nA=1\n").hash());
    }

    @Test
    void emptyUnitSerializesToEmptyText() throws UnitParseException {
        UnitFile unit = UnitFile.parse("# nothing\n");
        assertEquals("", unit.serialize());
        // SHA1 of the empty string.
        assertEquals("da39a3ee5e6b4b0d3255bfef95601890afd80709", unit.hash().hex());
    }
}
