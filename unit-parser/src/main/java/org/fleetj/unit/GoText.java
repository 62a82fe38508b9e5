package org.fleetj.unit;

import java.util.ArrayList;
import java.util.List;

/**
 * Whitespace exactly as Go's {@code unicode.IsSpace} / {@code strings.TrimSpace} / {@code strings.Fields}
 * see it. fleet's parser (go-systemd) trims with these, so using Java's {@link String#strip()} instead
 * would give different values, and therefore different unit hashes, for text containing e.g. U+00A0
 * (a Go space, not a Java whitespace) or U+001C..U+001F (Java whitespace, not Go spaces).
 */
final class GoText {
    private GoText() {
    }

    /** Go's {@code unicode.IsSpace}: the Latin-1 spaces plus Unicode's White_Space property. */
    static boolean isSpace(int cp) {
        switch (cp) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
                return true;
            default:
                return cp >= 0x2000 && cp <= 0x200A;
        }
    }

    /** Index of the first code point that is not a Go space, or {@code s.length()}. */
    static int firstNonSpace(String s, int from) {
        int i = from;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!isSpace(cp)) return i;
            i += Character.charCount(cp);
        }
        return s.length();
    }

    /** Index just past the last code point that is not a Go space, or {@code from}. */
    static int endOfNonSpace(String s, int from) {
        int end = s.length();
        while (end > from) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) return end;
            end -= Character.charCount(cp);
        }
        return from;
    }

    /** Go's {@code strings.TrimSpace}. */
    static String trim(String s) {
        int start = firstNonSpace(s, 0);
        int end = endOfNonSpace(s, start);
        return s.substring(start, end);
    }

    static boolean isBlank(String s) {
        return firstNonSpace(s, 0) == s.length();
    }

    /** Go's {@code strings.Fields}: the non-empty runs between Go spaces. */
    static List<String> fields(String s) {
        List<String> out = new ArrayList<>();
        int i = firstNonSpace(s, 0);
        while (i < s.length()) {
            int j = i;
            while (j < s.length()) {
                int cp = s.codePointAt(j);
                if (isSpace(cp)) break;
                j += Character.charCount(cp);
            }
            out.add(s.substring(i, j));
            i = firstNonSpace(s, j);
        }
        return out;
    }
}
