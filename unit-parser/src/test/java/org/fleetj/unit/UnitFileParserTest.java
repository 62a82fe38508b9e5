package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven cases for every parsing rule. Expected options are written as {@code Section|Name|Value}
 * with {@code \n} inside values written as {@code <NL>} to keep the table readable.
 */
class UnitFileParserTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("one option", "[Unit]\nDescription=x\n", List.of("Unit|Description|x")),
                Arguments.of("empty text", "", List.of()),
                Arguments.of("only comments and blank lines", "# a\n; b\n\n   \n", List.of()),
                Arguments.of("section without options", "[Unit]\n", List.of()),
                Arguments.of("no trailing newline", "[Unit]\nA=1", List.of("Unit|A|1")),
                Arguments.of("repeated keys keep their order, interleaved with others",
                        "[Unit]\nA=1\nB=2\nA=3\nB=4\n", List.of("Unit|A|1", "Unit|B|2", "Unit|A|3", "Unit|B|4")),
                Arguments.of("a section given twice keeps file order",
                        "[Unit]\nA=1\n[Service]\nB=2\n[Unit]\nC=3\n", List.of("Unit|A|1", "Service|B|2", "Unit|C|3")),
                Arguments.of("# and ; comments dropped, also when indented",
                        "# top\n[Unit]\n# c1\n; c2\n   # c3\n\t; c4\nA=1\n", List.of("Unit|A|1")),
                Arguments.of("whitespace around names and values trimmed",
                        "  [Unit]  \n   Name   =   some value \t \n", List.of("Unit|Name|some value")),
                Arguments.of("empty value", "[Unit]\nA=\nB=   \n", List.of("Unit|A|", "Unit|B|")),
                Arguments.of("value split at the first '=' only",
                        "[Service]\nEnvironment=A=B=C\n", List.of("Service|Environment|A=B=C")),
                Arguments.of("section name kept verbatim", "[X-Fleet]\nGlobal=true\n", List.of("X-Fleet|Global|true")),
                Arguments.of("comment characters inside a value are kept",
                        "[Unit]\nA=x # not a comment ; either\n", List.of("Unit|A|x # not a comment ; either")),
                Arguments.of("no escape processing", "[Service]\nExecStart=/bin/echo a\\tb \\\"q\\\" \\x41\n",
                        List.of("Service|ExecStart|/bin/echo a\\tb \\\"q\\\" \\x41")),
                Arguments.of("CRLF line ends", "[Unit]\r\nA=b\r\n\r\nB=c\r\n", List.of("Unit|A|b", "Unit|B|c")),
                Arguments.of("continuation keeps backslash and newline",
                        "[Service]\nExecStart=/bin/sh -c \\\n  'echo hi'\n", List.of("Service|ExecStart|/bin/sh -c \\<NL>  'echo hi'")),
                Arguments.of("continuation over three lines",
                        "[Service]\nA=1 \\\n2 \\\n3\nB=4\n", List.of("Service|A|1 \\<NL>2 \\<NL>3", "Service|B|4")),
                Arguments.of("a # line inside a continuation is part of the value",
                        "[Service]\nA=x \\\n# y\nB=1\n", List.of("Service|A|x \\<NL># y", "Service|B|1")),
                Arguments.of("a [..] line inside a continuation is part of the value",
                        "[Unit]\nA=x \\\n[Service]\nB=1\n", List.of("Unit|A|x \\<NL>[Service]", "Unit|B|1")),
                Arguments.of("continuation lines keep their leading whitespace, the value's ends are trimmed",
                        "[Unit]\nA=  x \\\n    y   \n", List.of("Unit|A|x \\<NL>    y")),
                Arguments.of("a blank line ends a continuation and the backslash-newline stays",
                        "[Unit]\nA=x \\\n\nB=1\n", List.of("Unit|A|x \\<NL>", "Unit|B|1")),
                Arguments.of("a whitespace-only line also ends a continuation",
                        "[Unit]\nA=x \\\n   \nB=1\n", List.of("Unit|A|x \\<NL>", "Unit|B|1")),
                Arguments.of("backslash at the end of the text (no newline) is kept without newline",
                        "[Unit]\nA=x \\", List.of("Unit|A|x \\")),
                Arguments.of("backslash-newline at the end of the text keeps the newline",
                        "[Unit]\nA=x \\\n", List.of("Unit|A|x \\<NL>")),
                Arguments.of("whitespace after the backslash means no continuation",
                        "[Unit]\nA=x \\ \nB=1\n", List.of("Unit|A|x \\", "Unit|B|1")),
                Arguments.of("a backslash before CRLF is not a continuation (go-systemd keeps the \\r)",
                        "[Unit]\r\nA=x \\\r\nB=1\r\n", List.of("Unit|A|x \\", "Unit|B|1")),
                Arguments.of("backslash in the middle of a value is plain text",
                        "[Unit]\nA=a\\b\n", List.of("Unit|A|a\\b")),
                Arguments.of("a comment ending in backslash swallows the next line (go-systemd)",
                        "[Unit]\n# note \\\nA=1\nB=2\n", List.of("Unit|B|2")),
                Arguments.of("... also with one trailing space after the backslash",
                        "[Unit]\n# note \\ \nA=1\nB=2\n", List.of("Unit|B|2")),
                Arguments.of("... but not with two trailing spaces",
                        "[Unit]\n# note \\  \nA=1\n", List.of("Unit|A|1")),
                Arguments.of("... and chains while the swallowed lines end in backslash too",
                        "[Unit]\n; a \\\nA=1 \\\nB=2\nC=3\n", List.of("Unit|C|3")),
                Arguments.of("Go whitespace: U+00A0 and U+3000 are trimmed",
                        "[Unit]\nA=\u00a0x\u3000\n", List.of("Unit|A|x")),
                Arguments.of("Go whitespace: U+001C is not trimmed (Java would)",
                        "[Unit]\nA=\u001cx\n", List.of("Unit|A|\u001cx")),
                Arguments.of("non-ASCII text kept", "[Unit]\nDescription=Grüße ☃ 𝄞\n",
                        List.of("Unit|Description|Grüße ☃ 𝄞")),
                Arguments.of("byte order mark at the start skipped", "\uFEFF[Unit]\nA=1\n", List.of("Unit|A|1")),
                Arguments.of("a line of 2047 bytes plus newline is accepted",
                        "[Unit]\nA=" + "x".repeat(2045) + "\n", List.of("Unit|A|" + "x".repeat(2045))),
                Arguments.of("2047 bytes counted in UTF-8 (2-byte characters)",
                        "[Unit]\nA=x" + "é".repeat(1022) + "\n", List.of("Unit|A|x" + "é".repeat(1022))),
                Arguments.of("... and a \\r before the newline does not count",
                        "[Unit]\r\nA=" + "x".repeat(2045) + "\r\n", List.of("Unit|A|" + "x".repeat(2045))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void parsesToOrderedOptions(String description, String text, List<String> expected) throws UnitParseException {
        assertEquals(expected, compact(UnitFile.parse(text).options()));
        // The bytes entry point gives the same result for valid UTF-8.
        assertEquals(expected, compact(UnitFile.parse(text.getBytes(StandardCharsets.UTF_8)).options()));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("option before any section", "A=1\n[Unit]\n", 1, "before the first [Section]"),
                Arguments.of("option before any section after comments", "# c\n\nA=1\n", 3, "before the first [Section]"),
                Arguments.of("line without '='", "[Unit]\nA=1\njunk\n", 3, "no '='"),
                Arguments.of("line without '=' at end of text", "[Unit]\nDescription", 2, "no '='"),
                Arguments.of("section header without ']'", "[Unit\nA=1\n", 1, "no closing ']'"),
                Arguments.of("text after ']'", "[Unit]\nA=1\n[Service] x\n", 3, "after ']'"),
                Arguments.of("a comment after ']' is also text after ']'", "[Unit] # c\n", 1, "after ']'"),
                Arguments.of("empty section name", "[]\nA=1\n", 1, "section name is empty"),
                Arguments.of("empty option name", "[Unit]\n=x\n", 2, "empty name"),
                Arguments.of("carriage return in an option name", "[Unit]\nA\rB=x\n", 2, "carriage return"),
                Arguments.of("line of 2048 bytes plus newline", "[Unit]\nA=" + "x".repeat(2046) + "\n", 2, "line too long"),
                Arguments.of("long last line without newline", "[Unit]\nA=" + "x".repeat(3000), 2, "line too long"),
                Arguments.of("long comment line", "[Unit]\n#" + "x".repeat(2047) + "\n", 2, "line too long"),
                Arguments.of("long line counted in UTF-8 bytes", "[Unit]\nA=" + "é".repeat(1023) + "\n", 2, "line too long"),
                Arguments.of("NUL character", "[Unit]\nA=x\u0000y\n", 2, "NUL"),
                Arguments.of("NUL in a comment", "[Unit]\n# \u0000\n", 2, "NUL"),
                Arguments.of("unpaired surrogate", "[Unit]\nA=\ud800x\n", 2, "surrogate"),
                Arguments.of("unpaired low surrogate", "[Unit]\n\nA=\udc00\n", 3, "surrogate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsWithLineNumber(String description, String text, int line, String fragment) {
        UnitParseException e = assertThrows(UnitParseException.class, () -> UnitFile.parse(text));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("line " + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of(new byte[] {'[', 'U', ']', '\n', 'A', '=', (byte) 0xff, '\n'}, 2),
                Arguments.of(new byte[] {(byte) 0xc3}, 1),
                Arguments.of(new byte[] {'[', 'U', ']', '\n', '\n', 'A', '=', (byte) 0xe2, (byte) 0x28, (byte) 0xa1}, 3),
                // An encoded surrogate (CESU style) is not valid UTF-8.
                Arguments.of(new byte[] {'[', 'U', ']', '\n', 'A', '=', (byte) 0xed, (byte) 0xa0, (byte) 0x80}, 2),
                // Overlong encoding of '/'.
                Arguments.of(new byte[] {'[', 'U', ']', '\n', 'A', '=', (byte) 0xc0, (byte) 0xaf}, 2));
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8")
    void rejectsInvalidUtf8NamingTheLine(byte[] bytes, int line) {
        UnitParseException e = assertThrows(UnitParseException.class, () -> UnitFile.parse(bytes));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void rejectsFilesOverOneMebibyteNamingTheLimit() throws Exception {
        String line = "Environment=X=" + "y".repeat(1000) + "\n";
        StringBuilder tenMb = new StringBuilder("[Service]\n");
        while (tenMb.length() < 10 * 1024 * 1024) tenMb.append(line);
        UnitParseException bytes = assertThrows(UnitParseException.class,
                () -> UnitFile.parse(tenMb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(bytes.getMessage().contains("too large") && bytes.getMessage().contains("1 MiB"), bytes.getMessage());
        UnitParseException text = assertThrows(UnitParseException.class, () -> UnitFile.parse(tenMb.toString()));
        assertTrue(text.getMessage().contains("too large"), text.getMessage());
        // multi-byte characters count in bytes: 400 Ki of 3-byte characters is over the limit
        String wide = "[Service]\n" + ("Environment=X=" + "\u20ac".repeat(600) + "\n").repeat(700);
        assertThrows(UnitParseException.class, () -> UnitFile.parse(wide));
        String justUnder = "[Service]\n" + line.repeat(1000);
        assertEquals(1000, UnitFile.parse(justUnder).options().size(), "a large file under the limit is fine");
    }

    @Test
    void rejectsNullWithItsOwnErrorType() {
        assertThrows(UnitParseException.class, () -> UnitFile.parse((String) null));
        assertThrows(UnitParseException.class, () -> UnitFile.parse((byte[]) null));
    }

    @Test
    void errorMessageQuotesControlCharactersReadably() {
        UnitParseException e = assertThrows(UnitParseException.class, () -> UnitFile.parse("[Unit]\nbad\u0001line\n"));
        assertTrue(e.getMessage().contains("bad\\x01line"), e.getMessage());
    }

    /** Options as {@code Section|Name|Value} with newlines shown as {@code <NL>}. */
    static List<String> compact(List<UnitOption> options) {
        List<String> out = new ArrayList<>();
        for (UnitOption o : options) {
            out.add(o.section() + "|" + o.name() + "|" + o.value().replace("\n", "<NL>"));
        }
        return out;
    }
}
