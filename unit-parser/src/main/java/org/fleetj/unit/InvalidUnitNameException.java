package org.fleetj.unit;

/**
 * A unit name that fleet would refuse. {@link #rule()} says which of fleet's naming rules failed; the
 * message names the rule and the offending name.
 */
public final class InvalidUnitNameException extends UnitParseException {
    private static final long serialVersionUID = 1L;

    /** fleet's unit-name rules, in the order they are checked. */
    public enum Rule {
        /** 1 to 256 characters. */
        LENGTH,
        /** Must contain a '.' separating the name from its type suffix. */
        MISSING_SUFFIX,
        /** Must not end with '.'. */
        ENDS_WITH_DOT,
        /** Something must precede the type suffix ({@code .service} alone is not a name). */
        EMPTY_NAME,
        /** The suffix must be one of the unit types systemd knows. */
        UNKNOWN_TYPE,
        /** Names with '@' (templates and instances) may only be path, service, socket, target or timer units. */
        TEMPLATE_TYPE,
        /** Only {@code [A-Za-z0-9:_.@-]} before the suffix. */
        CHARACTERS,
        /** Must not start with '@'. */
        STARTS_WITH_AT
    }

    private final String name;
    private final Rule rule;

    public InvalidUnitNameException(String name, Rule rule, String message) {
        super("invalid unit name " + printable(name) + ": " + message);
        this.name = name;
        this.rule = rule;
    }

    /** The rejected name as given. */
    public String name() {
        return name;
    }

    public Rule rule() {
        return rule;
    }

    private static String printable(String s) {
        if (s == null) return "(null)";
        StringBuilder sb = new StringBuilder("\"");
        int shown = Math.min(s.length(), 300);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        if (shown < s.length()) sb.append("...");
        return sb.append('"').toString();
    }
}
