package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UnitGlobTest {

    /** Cases follow Go's documented path.Match behaviour (pattern, name, expected match). */
    static Stream<Arguments> wellFormed() {
        return Stream.of(
                Arguments.of("abc", "abc", true),
                Arguments.of("abc", "abd", false),
                Arguments.of("abc", "ab", false),
                Arguments.of("*", "abc", true),
                Arguments.of("*", "", true),
                Arguments.of("*c", "abc", true),
                Arguments.of("a*", "a", true),
                Arguments.of("a*", "abc", true),
                Arguments.of("a*", "ab/c", false),
                Arguments.of("a*/b", "abc/b", true),
                Arguments.of("a*/b", "a/c/b", false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxe/f", true),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
                Arguments.of("a*b?c*x", "abxbbxdbxebxczzx", true),
                Arguments.of("a*b?c*x", "abxbbxdbxebxczzy", false),
                Arguments.of("ab[c]", "abc", true),
                Arguments.of("ab[b-d]", "abc", true),
                Arguments.of("ab[e-g]", "abc", false),
                Arguments.of("ab[^c]", "abc", false),
                Arguments.of("ab[^b-d]", "abc", false),
                Arguments.of("ab[^e-g]", "abc", true),
                Arguments.of("a\\*b", "a*b", true),
                Arguments.of("a\\*b", "ab", false),
                Arguments.of("a?b", "a\u263Ab", true),
                Arguments.of("a[^a]b", "a\u263Ab", true),
                Arguments.of("a???b", "a\u263Ab", false),
                Arguments.of("a[^a][^a][^a]b", "a\u263Ab", false),
                Arguments.of("[a-\u03B6]*", "\u03B1", true),
                Arguments.of("*[a-\u03B6]", "A", false),
                Arguments.of("a?b", "a/b", false),
                Arguments.of("a*b", "a/b", false),
                Arguments.of("[\\]a]", "]", true),
                Arguments.of("[\\-]", "-", true),
                Arguments.of("[x\\-]", "x", true),
                Arguments.of("[x\\-]", "-", true),
                Arguments.of("[x\\-]", "z", false),
                Arguments.of("[\\-x]", "x", true),
                Arguments.of("[\\-x]", "-", true),
                Arguments.of("[\\-x]", "a", false),
                Arguments.of("*x", "xxx", true),
                Arguments.of("**x", "abx", true),
                // fleet-style unit globs
                Arguments.of("monitor*", "monitor@1.service", true),
                Arguments.of("conflict.*.service", "conflict.2.service", true),
                Arguments.of("conflict.*.service", "conflict.service", false),
                Arguments.of("hello@?.service", "hello@1.service", true),
                Arguments.of("hello@?.service", "hello@12.service", false),
                Arguments.of("hello@[0-9][0-9].service", "hello@12.service", true),
                Arguments.of("*.socket", "foo.service", false),
                // literal head and tail around wildcards (checked before the matcher runs)
                Arguments.of("web@*.service", "web@1.service", true),
                Arguments.of("web@*.service", "web@.service", true),
                Arguments.of("web@*.service", "web-1.service", false),
                Arguments.of("web@*.service", "web@1.socket", false),
                Arguments.of("web@*.service", "xweb@1.service", false),
                Arguments.of("ab*ba", "aba", false),
                Arguments.of("ab*ba", "abba", true),
                Arguments.of("a*a", "a", false),
                Arguments.of("a*a", "aa", true),
                Arguments.of("\\*x*\\?", "*xy?", true),
                Arguments.of("\\*x*\\?", "*xy!", false),
                Arguments.of("a?c", "ac", false),
                Arguments.of("\u263A*\u263A", "\u263A\u263A", true),
                Arguments.of("\u263A*\u263A", "\u263A", false),
                Arguments.of("\uD83D\uDE00?", "\uD83D\uDE00x", true),
                Arguments.of("?\uD83D\uDE00", "\uD83D\uDE00", false),
                Arguments.of("[a-z]*@*.service", "web@1.service", true),
                Arguments.of("[a-z]*@*.service", "web@1.servicex", false));
    }

    @ParameterizedTest(name = "\"{0}\" vs \"{1}\" -> {2}")
    @MethodSource("wellFormed")
    void matchesLikeGoPathMatch(String pattern, String name, boolean expected) throws UnitParseException {
        UnitGlob glob = UnitGlob.compile(pattern);
        assertEquals(expected, glob.matches(name));
        if (expected) {
            assertTrue(name.startsWith(glob.literalPrefix()), () -> "literal prefix \"" + glob.literalPrefix() + "\"");
        }
        assertEquals(expected, UnitGlob.matches(pattern, name));
        assertTrue(UnitGlob.isValid(pattern));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("[]a]", "empty character class"),
                Arguments.of("[-]", "unescaped '-'"),
                Arguments.of("[x-]", "no upper bound"),
                Arguments.of("[-x]", "unescaped '-'"),
                Arguments.of("\\", "unfinished escape"),
                Arguments.of("[a-b-c]", "unescaped '-'"),
                Arguments.of("[", "unterminated character class"),
                Arguments.of("[^", "unterminated character class"),
                Arguments.of("[^bc", "unterminated character class"),
                Arguments.of("a[", "unterminated character class"),
                Arguments.of("a/b[", "unterminated character class"),
                Arguments.of("[^]", "empty character class"),
                Arguments.of("[\\", "unfinished escape"),
                Arguments.of("ok*[", "unterminated character class"));
    }

    @ParameterizedTest(name = "\"{0}\" is malformed")
    @MethodSource("malformed")
    void malformedPatternsAreRejectedWithTheProblemNamed(String pattern, String problem) {
        UnitParseException e = assertThrows(UnitParseException.class, () -> UnitGlob.compile(pattern));
        assertTrue(e.getMessage().contains("\"" + pattern + "\""), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertFalse(UnitGlob.isValid(pattern));
    }

    @ParameterizedTest(name = "malformed \"{0}\" matches nothing")
    @MethodSource("malformed")
    void malformedPatternsMatchNothingInTheLenientForm(String pattern, String ignored) {
        // Even names a prefix of the pattern would match are refused: validation covers the whole pattern.
        assertFalse(UnitGlob.matches(pattern, "a"));
        assertFalse(UnitGlob.matches(pattern, "x"));
        assertFalse(UnitGlob.matches(pattern, "ok"));
        assertFalse(UnitGlob.matches(pattern, ""));
    }

    @Test
    void literalPatternsExposeTheirSingleName() throws UnitParseException {
        UnitGlob plain = UnitGlob.compile("foo.service");
        assertTrue(plain.isLiteral());
        assertEquals("foo.service", plain.literalName());

        UnitGlob escaped = UnitGlob.compile("foo\\*.service");
        assertTrue(escaped.isLiteral());
        assertEquals("foo*.service", escaped.literalName());
        assertTrue(escaped.matches("foo*.service"));
        assertFalse(escaped.matches("foobar.service"));

        assertEquals("foo.service", plain.literalPrefix());
        assertEquals("foo*.service", escaped.literalPrefix());

        UnitGlob wild = UnitGlob.compile("foo*.service");
        assertEquals("foo", wild.literalPrefix());
        assertEquals("", UnitGlob.compile("*.service").literalPrefix());
        assertEquals("web@", UnitGlob.compile("web@[0-9]*").literalPrefix());
        assertEquals("a*b", UnitGlob.compile("a\\*b?").literalPrefix());
        assertFalse(wild.isLiteral());
        assertThrows(IllegalStateException.class, wild::literalName);
        assertEquals("foo*.service", wild.pattern());
    }

    /**
     * Random patterns against names derived from them, compared with a plain backtracking matcher over the
     * same tokens: guards the literal head/tail and length shortcuts taken before the NFA runs.
     */
    @Test
    void agreesWithABacktrackingReferenceOnRandomPatterns() throws UnitParseException {
        int[] alphabet = {'a', 'b', '@', '.', '/', 0x263A, 0x1F600};
        java.util.Random rnd = new java.util.Random(0x61_0B);
        for (int round = 0; round < 20_000; round++) {
            int n = rnd.nextInt(7);
            int[][] tokens = new int[n][];
            StringBuilder pattern = new StringBuilder();
            for (int t = 0; t < n; t++) {
                int kind = rnd.nextInt(6);
                int c = alphabet[rnd.nextInt(alphabet.length)];
                if (kind == 0) {
                    tokens[t] = new int[] {'*'};
                    pattern.append('*');
                } else if (kind == 1) {
                    tokens[t] = new int[] {'?'};
                    pattern.append('?');
                } else if (kind == 2) {
                    boolean negated = rnd.nextBoolean();
                    tokens[t] = new int[] {'[', negated ? 1 : 0, c};
                    pattern.append('[').append(negated ? "^" : "").appendCodePoint(c).append(']');
                } else {
                    tokens[t] = new int[] {'L', c};
                    pattern.append(c == '*' || c == '?' || c == '[' ? "\\" : "").appendCodePoint(c);
                }
            }
            UnitGlob glob = UnitGlob.compile(pattern.toString());
            for (int k = 0; k < 4; k++) {
                int[] name = randomName(rnd, tokens, alphabet);
                String text = new String(name, 0, name.length);
                boolean expected = reference(tokens, 0, name, 0);
                assertEquals(expected, glob.matches(text), () -> "\"" + pattern + "\" vs \"" + text + "\"");
                assertTrue(!expected || text.startsWith(glob.literalPrefix()), () -> "prefix of \"" + pattern + "\"");
            }
        }
    }

    /** A name that often matches: each token instantiated, then now and then one code point changed, added or dropped. */
    private static int[] randomName(java.util.Random rnd, int[][] tokens, int[] alphabet) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int[] t : tokens) {
            switch (t[0]) {
                case '*' -> {
                    for (int r = rnd.nextInt(3); r > 0; r--) {
                        out.add(alphabet[rnd.nextInt(alphabet.length)]);
                    }
                }
                case 'L' -> out.add(t[1]);
                case '[' -> out.add(t[1] == 0 ? t[2] : alphabet[rnd.nextInt(alphabet.length)]);
                default -> out.add(alphabet[rnd.nextInt(alphabet.length)]);
            }
        }
        int edit = rnd.nextInt(4);
        if (edit == 1 && !out.isEmpty()) {
            out.set(rnd.nextInt(out.size()), alphabet[rnd.nextInt(alphabet.length)]);
        } else if (edit == 2) {
            out.add(rnd.nextInt(out.size() + 1), alphabet[rnd.nextInt(alphabet.length)]);
        } else if (edit == 3 && !out.isEmpty()) {
            out.remove(rnd.nextInt(out.size()));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Go path.Match semantics by backtracking: '*' spans non-'/' code points, '?' is one non-'/' code point. */
    private static boolean reference(int[][] tokens, int t, int[] name, int i) {
        if (t == tokens.length) {
            return i == name.length;
        }
        int[] tok = tokens[t];
        switch (tok[0]) {
            case '*' -> {
                for (int j = i; ; j++) {
                    if (reference(tokens, t + 1, name, j)) {
                        return true;
                    }
                    if (j == name.length || name[j] == '/') {
                        return false;
                    }
                }
            }
            case '?' -> {
                return i < name.length && name[i] != '/' && reference(tokens, t + 1, name, i + 1);
            }
            case '[' -> {
                return i < name.length && ((name[i] == tok[2]) != (tok[1] == 1)) && reference(tokens, t + 1, name, i + 1);
            }
            default -> {
                return i < name.length && name[i] == tok[1] && reference(tokens, t + 1, name, i + 1);
            }
        }
    }

    @Test
    void pathologicalStarsStayFast() throws UnitParseException {
        // A naive backtracking matcher takes exponential time here; the NFA answers at once.
        UnitGlob glob = UnitGlob.compile("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
        String name = "a".repeat(5_000);
        assertFalse(glob.matches(name));
        assertTrue(glob.matches(name + "b"));
    }

    @Test
    void nullPatternIsATypedError() {
        assertThrows(UnitParseException.class, () -> UnitGlob.compile(null));
    }
}
