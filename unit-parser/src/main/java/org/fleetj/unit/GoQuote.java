package org.fleetj.unit;

/**
 * Go's {@code %q} for strings, so messages copied from fleet read the same ("name in URL \"a\" differs ..."): double
 * quotes, backslash escapes, {@code \xNN} for other control characters, U+FFFD for a lone surrogate.
 */
public final class GoQuote {
    private GoQuote() {
    }

    public static String q(String s) {
        if (s == null) return "\"\"";
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                    else if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                        sb.append("\\ufffd");
                    } else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
