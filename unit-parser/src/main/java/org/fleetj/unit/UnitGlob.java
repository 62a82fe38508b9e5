package org.fleetj.unit;

import java.util.ArrayList;
import java.util.List;

/**
 * A unit-name glob with Go {@code path.Match} semantics, as fleet uses for {@code Conflicts=} (and we
 * use for {@code Replaces=}):
 * <ul>
 *   <li>{@code *} matches any run (possibly empty) of characters other than {@code '/'};</li>
 *   <li>{@code ?} matches exactly one character other than {@code '/'};</li>
 *   <li>{@code [...]} matches one character from the class: single characters and ranges {@code a-z},
 *       negated by a leading {@code ^}; inside a class {@code \}, {@code -} and {@code ]} must be
 *       escaped with {@code \} to stand for themselves; a class is never empty;</li>
 *   <li>{@code \c} matches the character {@code c} literally;</li>
 *   <li>any other character matches itself.</li>
 * </ul>
 * The whole name must match.
 *
 * <p>Malformed patterns (unterminated class, empty class, trailing {@code \}, a misplaced {@code -} or
 * {@code ]} in a class): {@link #compile} rejects them with a {@link UnitParseException} naming the
 * problem, so a unit file with a bad glob can be refused when it is submitted. The convenience
 * {@link #matches(String, String)} treats a malformed pattern as matching nothing, which is what fleet
 * did at scheduling time (it ignored {@code path.Match}'s error). Unlike older Go versions, the whole
 * pattern is validated up front, not only the part that was reached while matching.
 *
 * <p>Instances are immutable and thread-safe; compile once, match many times.
 */
public final class UnitGlob {

    private static final int LITERAL = 0;
    private static final int ANY_ONE = 1;
    private static final int STAR = 2;
    private static final int CLASS = 3;

    private final String pattern;
    /** Token kinds, one per pattern element. */
    private final int[] kinds;
    /** For LITERAL: the code point. Unused otherwise. */
    private final int[] literals;
    /** For CLASS: inclusive [lo, hi] pairs. */
    private final int[][] ranges;
    /** For CLASS: whether the class is negated. */
    private final boolean[] negated;
    /** The pattern's literal text when it has no wildcard at all (matching is then a plain equals). */
    private final String literal;
    // Cheap necessary conditions, checked before the NFA: most names a unit glob meets in scheduling
    // (e.g. "web@*.service" against every neighbour) fail on the first character.
    /** The literal characters before the first wildcard. */
    private final String prefix;
    /** The literal characters after the last wildcard (empty for a literal pattern). */
    private final String suffix;
    /** Tokens that consume exactly one character: a shorter name cannot match. */
    private final int minLength;

    private UnitGlob(String pattern, int[] kinds, int[] literals, int[][] ranges, boolean[] negated, String literal) {
        this.pattern = pattern;
        this.kinds = kinds;
        this.literals = literals;
        this.ranges = ranges;
        this.negated = negated;
        this.literal = literal;
        int first = 0;
        StringBuilder head = new StringBuilder();
        while (first < kinds.length && kinds[first] == LITERAL) {
            head.appendCodePoint(literals[first++]);
        }
        int last = kinds.length;
        while (last > first && kinds[last - 1] == LITERAL) {
            last--;
        }
        StringBuilder tail = new StringBuilder();
        for (int t = last; t < kinds.length; t++) {
            tail.appendCodePoint(literals[t]);
        }
        this.prefix = head.toString();
        this.suffix = tail.toString();
        int singles = 0;
        for (int kind : kinds) {
            singles += kind == STAR ? 0 : 1;
        }
        this.minLength = singles;
    }

    /**
     * Compiles a glob.
     *
     * @throws UnitParseException if the pattern is malformed; the message quotes the pattern and names the problem
     */
    public static UnitGlob compile(String pattern) throws UnitParseException {
        if (pattern == null) {
            throw new UnitParseException("invalid glob: pattern is null");
        }
        List<Integer> kinds = new ArrayList<>();
        List<Integer> literals = new ArrayList<>();
        List<int[]> ranges = new ArrayList<>();
        List<Boolean> negations = new ArrayList<>();
        StringBuilder literalText = new StringBuilder();
        boolean onlyLiterals = true;

        int i = 0;
        int n = pattern.length();
        while (i < n) {
            int c = pattern.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '*' -> {
                    onlyLiterals = false;
                    // Consecutive stars are one star; keeping one keeps the matcher's state count small.
                    if (kinds.isEmpty() || kinds.get(kinds.size() - 1) != STAR) {
                        add(kinds, literals, ranges, negations, STAR, 0, null, false);
                    }
                }
                case '?' -> {
                    onlyLiterals = false;
                    add(kinds, literals, ranges, negations, ANY_ONE, 0, null, false);
                }
                case '\\' -> {
                    if (i >= n) {
                        throw bad(pattern, "ends with an unfinished escape '\\'");
                    }
                    int e = pattern.codePointAt(i);
                    i += Character.charCount(e);
                    literalText.appendCodePoint(e);
                    add(kinds, literals, ranges, negations, LITERAL, e, null, false);
                }
                case '[' -> {
                    onlyLiterals = false;
                    i = compileClass(pattern, i, kinds, literals, ranges, negations);
                }
                default -> {
                    literalText.appendCodePoint(c);
                    add(kinds, literals, ranges, negations, LITERAL, c, null, false);
                }
            }
        }
        int size = kinds.size();
        int[] k = new int[size];
        int[] l = new int[size];
        int[][] r = new int[size][];
        boolean[] neg = new boolean[size];
        for (int t = 0; t < size; t++) {
            k[t] = kinds.get(t);
            l[t] = literals.get(t);
            r[t] = ranges.get(t);
            neg[t] = negations.get(t);
        }
        return new UnitGlob(pattern, k, l, r, neg, onlyLiterals ? literalText.toString() : null);
    }

    /** Parses a class body starting just after '['; returns the index just after the closing ']'. */
    private static int compileClass(String pattern, int start, List<Integer> kinds, List<Integer> literals,
                                    List<int[]> ranges, List<Boolean> negations) throws UnitParseException {
        int n = pattern.length();
        int i = start;
        boolean neg = false;
        if (i < n && pattern.charAt(i) == '^') {
            neg = true;
            i++;
        }
        List<Integer> bounds = new ArrayList<>();
        while (true) {
            if (i >= n) {
                throw bad(pattern, "unterminated character class (missing ']')");
            }
            if (pattern.charAt(i) == ']') {
                if (bounds.isEmpty()) {
                    throw bad(pattern, "empty character class '[]' (write '\\]' for a literal ']')");
                }
                i++;
                break;
            }
            int[] lo = classChar(pattern, i);
            i = lo[1];
            int hi = lo[0];
            if (i < n && pattern.charAt(i) == '-') {
                int[] h = classChar(pattern, i + 1);
                hi = h[0];
                i = h[1];
            }
            bounds.add(lo[0]);
            bounds.add(hi);
        }
        int[] r = new int[bounds.size()];
        for (int b = 0; b < r.length; b++) {
            r[b] = bounds.get(b);
        }
        add(kinds, literals, ranges, negations, CLASS, 0, r, neg);
        return i;
    }

    /** One (possibly escaped) character inside a class: returns {code point, next index}. */
    private static int[] classChar(String pattern, int i) throws UnitParseException {
        int n = pattern.length();
        if (i >= n) {
            throw bad(pattern, "unterminated character class (missing ']')");
        }
        int c = pattern.codePointAt(i);
        if (c == '-') {
            throw bad(pattern, "unescaped '-' in character class (write '\\-' for a literal '-')");
        }
        if (c == ']') {
            throw bad(pattern, "character range has no upper bound before ']'");
        }
        if (c == '\\') {
            i++;
            if (i >= n) {
                throw bad(pattern, "ends with an unfinished escape '\\'");
            }
            c = pattern.codePointAt(i);
        }
        i += Character.charCount(c);
        if (i >= n) {
            throw bad(pattern, "unterminated character class (missing ']')");
        }
        return new int[] {c, i};
    }

    private static void add(List<Integer> kinds, List<Integer> literals, List<int[]> ranges, List<Boolean> negations,
                            int kind, int literal, int[] range, boolean neg) {
        kinds.add(kind);
        literals.add(literal);
        ranges.add(range);
        negations.add(neg);
    }

    private static UnitParseException bad(String pattern, String problem) {
        return new UnitParseException("invalid glob \"" + pattern + "\": " + problem);
    }

    /**
     * Whether {@code name} matches {@code pattern}; a malformed pattern matches nothing (fleet's
     * behaviour at scheduling time). Compile once with {@link #compile} when matching repeatedly.
     */
    public static boolean matches(String pattern, String name) {
        try {
            return compile(pattern).matches(name);
        } catch (UnitParseException e) {
            return false;
        }
    }

    /** Whether {@code pattern} is a well-formed glob. */
    public static boolean isValid(String pattern) {
        try {
            compile(pattern);
            return true;
        } catch (UnitParseException e) {
            return false;
        }
    }

    /** The pattern text as given. */
    public String pattern() {
        return pattern;
    }

    /**
     * The literal text before the first wildcard: every name this glob matches starts with it (empty when
     * the pattern starts with a wildcard; the whole name for a literal pattern). Lets a caller holding names
     * in sorted order look at the matching range only.
     */
    public String literalPrefix() {
        return literal != null ? literal : prefix;
    }

    /** True when the pattern has no wildcard, so it matches exactly one name: {@link #literalName()}. */
    public boolean isLiteral() {
        return literal != null;
    }

    /**
     * The single name a wildcard-free pattern matches (escapes removed), e.g. {@code foo.service} for
     * {@code foo\.service}; throws {@link IllegalStateException} when {@link #isLiteral()} is false.
     */
    public String literalName() {
        if (literal == null) {
            throw new IllegalStateException("glob \"" + pattern + "\" has wildcards; it has no single literal name");
        }
        return literal;
    }

    /** Whether the whole of {@code name} matches this glob. */
    public boolean matches(String name) {
        if (literal != null) {
            return literal.equals(name);
        }
        // minLength counts code points, and a name has at least as many chars as code points.
        if (name.length() < minLength || name.length() < prefix.length() + suffix.length()
                || !name.startsWith(prefix) || !name.endsWith(suffix)) {
            return false;
        }
        // Simulate the glob as an NFA over token positions: linear in name length times pattern
        // length, with no exponential backtracking whatever the pattern.
        int states = kinds.length + 1;
        boolean[] current = new boolean[states];
        boolean[] next = new boolean[states];
        current[0] = true;
        closeOverStars(current);
        int i = 0;
        int n = name.length();
        while (i < n) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            boolean any = false;
            for (int s = 0; s < kinds.length; s++) {
                if (!current[s]) {
                    continue;
                }
                switch (kinds[s]) {
                    case LITERAL -> {
                        if (literals[s] == c) {
                            next[s + 1] = true;
                            any = true;
                        }
                    }
                    case ANY_ONE -> {
                        if (c != '/') {
                            next[s + 1] = true;
                            any = true;
                        }
                    }
                    case STAR -> {
                        if (c != '/') {
                            next[s] = true;
                            any = true;
                        }
                    }
                    default -> {
                        if (inClass(s, c)) {
                            next[s + 1] = true;
                            any = true;
                        }
                    }
                }
            }
            if (!any) {
                return false;
            }
            closeOverStars(next);
            boolean[] swap = current;
            current = next;
            next = swap;
            java.util.Arrays.fill(next, false);
        }
        return current[kinds.length];
    }

    /** A star may match nothing: whoever stands before a star also stands after it. */
    private void closeOverStars(boolean[] set) {
        for (int s = 0; s < kinds.length; s++) {
            if (set[s] && kinds[s] == STAR) {
                set[s + 1] = true;
            }
        }
    }

    private boolean inClass(int token, int c) {
        int[] r = ranges[token];
        boolean found = false;
        for (int b = 0; b < r.length; b += 2) {
            if (r[b] <= c && c <= r[b + 1]) {
                found = true;
                break;
            }
        }
        return found != negated[token];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitGlob other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
