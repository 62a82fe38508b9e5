package org.fleetj.unit;

import java.util.Optional;
import java.util.Set;

/**
 * A validated unit name such as {@code web.service}, the template {@code web@.service} or its instance
 * {@code web@1.service}. fleet stores templates like any unit but never schedules them; an instance gets its
 * template's content when it has none of its own. Immutable; equal when the full names are equal.
 *
 * <p>Parts, for {@code foo@bar.service}: {@link #full()} = {@code foo@bar.service}, {@link #withoutSuffix()}
 * = {@code foo@bar} (%N), {@link #prefix()} = {@code foo} (%p), {@link #instance()} = {@code bar} (%i),
 * {@link #type()} = {@code service}, {@link #templateName()} = {@code foo@.service}. The instance is
 * everything between the first {@code @} and the last {@code .}, as in fleet.
 */
public final class UnitName {
    /**
     * Names of 1..255 characters: systemd refuses longer ones (its UNIT_NAME_MAX of 256 counts the terminating
     * NUL), so a longer name could be stored but never run. fleet accepted 256 and the unit then never started.
     */
    public static final int MAX_LENGTH = 255;

    /** The unit types fleet accepts. */
    public static final Set<String> TYPES = Set.of("automount", "busname", "device", "mount", "path", "scope",
            "service", "slice", "snapshot", "socket", "swap", "target", "timer");

    /** The types that may be templates or instances (names with '@'). */
    public static final Set<String> TEMPLATE_TYPES = Set.of("path", "service", "socket", "target", "timer");

    /** The suffixes fleetctl recognises before deciding to append ".service" (see {@link #mangle}). */
    private static final Set<String> RECOGNIZED_BY_FLEETCTL = Set.of("service", "socket", "timer", "path",
            "device", "mount", "automount");

    private final String full;
    private final int lastDot;
    private final int at;

    private UnitName(String full) {
        this.full = full;
        this.lastDot = full.lastIndexOf('.');
        int a = full.indexOf('@');
        this.at = a >= 0 && a < lastDot ? a : -1;
    }

    /** Validates {@code name} against fleet's rules; the exception names the rule that failed. */
    public static UnitName of(String name) throws InvalidUnitNameException {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            throw new InvalidUnitNameException(name, InvalidUnitNameException.Rule.LENGTH,
                    "must be 1 to " + MAX_LENGTH + " characters long, systemd's limit for unit names (has "
                            + (name == null ? 0 : name.length()) + ")");
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            throw new InvalidUnitNameException(name, InvalidUnitNameException.Rule.MISSING_SUFFIX,
                    "must end in a unit type such as \".service\" (no '.' found)");
        }
        if (dot == name.length() - 1) {
            throw new InvalidUnitNameException(name, InvalidUnitNameException.Rule.ENDS_WITH_DOT,
                    "must not end with '.'");
        }
        if (dot == 0) {
            throw new InvalidUnitNameException(name, InvalidUnitNameException.Rule.EMPTY_NAME,
                    "needs a name before the type suffix");
        }
        String type = name.substring(dot + 1);
        if (!TYPES.contains(type)) {
            throw new InvalidUnitNameException(name, InvalidUnitNameException.Rule.UNKNOWN_TYPE,
                    "unknown unit type \"" + type + "\"; must be one of " + String.join(", ", sorted(TYPES)));
        }
        String base = name.substring(0, dot);
        if (base.indexOf('@') >= 0 && !TEMPLATE_TYPES.contains(type)) {
            throw new InvalidUnitNameException(name, InvalidUnitNameException.Rule.TEMPLATE_TYPE,
                    "names with '@' (templates and instances) must be of type "
                            + String.join(", ", sorted(TEMPLATE_TYPES)) + ", not \"" + type + "\"");
        }
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            if (!isAllowed(c)) {
                throw new InvalidUnitNameException(name, InvalidUnitNameException.Rule.CHARACTERS,
                        "character " + describe(c) + " at position " + (i + 1)
                                + " is not allowed; only A-Z a-z 0-9 : _ . @ - \\ may precede the type suffix");
            }
        }
        if (name.charAt(0) == '@') {
            throw new InvalidUnitNameException(name, InvalidUnitNameException.Rule.STARTS_WITH_AT,
                    "must not start with '@' (a template needs a prefix, as in foo@.service)");
        }
        return new UnitName(name);
    }

    /** Whether {@code name} passes {@link #of}. */
    public static boolean isValid(String name) {
        try {
            of(name);
            return true;
        } catch (InvalidUnitNameException e) {
            return false;
        }
    }

    /**
     * fleetctl's treatment of a command-line argument: the last element of a path (Go's {@code path.Base}),
     * with {@code .service} appended unless it already ends in .service, .socket, .timer, .path, .device,
     * .mount or .automount. So {@code units/web.service} → {@code web.service} and {@code hello@1} →
     * {@code hello@1.service}. The result is not validated; pass it to {@link #of}.
     */
    public static String mangle(String arg) {
        String base = pathBase(arg == null ? "" : arg);
        for (String t : RECOGNIZED_BY_FLEETCTL) {
            if (base.endsWith("." + t)) return base;
        }
        return base + ".service";
    }

    /** Go's {@code path.Base}: trailing slashes dropped, then the part after the last slash. */
    private static String pathBase(String p) {
        if (p.isEmpty()) return ".";
        int end = p.length();
        while (end > 0 && p.charAt(end - 1) == '/') end--;
        if (end == 0) return "/";
        String trimmed = p.substring(0, end);
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    /** The full name, e.g. {@code foo@1.service} (the %n specifier). */
    public String full() {
        return full;
    }

    /** The type suffix without its dot, e.g. {@code service}. */
    public String type() {
        return full.substring(lastDot + 1);
    }

    /** The name without its type suffix, e.g. {@code foo@1} (the %N specifier). */
    public String withoutSuffix() {
        return full.substring(0, lastDot);
    }

    /** The part before '@' (or the whole name without suffix when there is no '@'), e.g. {@code foo} (%p). */
    public String prefix() {
        return at >= 0 ? full.substring(0, at) : withoutSuffix();
    }

    /** The instance, e.g. {@code 1} for {@code foo@1.service}; empty for templates and plain units (%i). */
    public String instance() {
        return at >= 0 ? full.substring(at + 1, lastDot) : "";
    }

    /** {@code foo@.service}: has '@' and nothing between it and the suffix. Never scheduled by fleet. */
    public boolean isTemplate() {
        return at >= 0 && at + 1 == lastDot;
    }

    /** {@code foo@1.service}: has '@' and a non-empty instance. */
    public boolean isInstance() {
        return at >= 0 && at + 1 < lastDot;
    }

    /** For a template or an instance, the template's name ({@code foo@.service}); otherwise empty. */
    public Optional<UnitName> templateName() {
        if (at < 0) return Optional.empty();
        if (isTemplate()) return Optional.of(this);
        return Optional.of(new UnitName(full.substring(0, at + 1) + full.substring(lastDot)));
    }

    /** This template's instance {@code instance}, e.g. {@code foo@.service} + {@code 2} → {@code foo@2.service}. */
    public UnitName instantiate(String instance) throws InvalidUnitNameException {
        if (!isTemplate()) {
            throw new InvalidUnitNameException(full, InvalidUnitNameException.Rule.TEMPLATE_TYPE,
                    "is not a template (foo@.service), so it has no instances");
        }
        return of(full.substring(0, at + 1) + instance + full.substring(lastDot));
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == ':' || c == '_' || c == '.' || c == '@' || c == '-'
                || c == '\\'; // systemd's escapes ("a\\x2db.service"), which fleet and systemd accept
    }

    private static String describe(char c) {
        if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) return String.format("U+%04X", (int) c);
        return "'" + c + "'";
    }

    private static java.util.List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitName n && n.full.equals(full);
    }

    @Override
    public int hashCode() {
        return full.hashCode();
    }

    @Override
    public String toString() {
        return full;
    }
}
