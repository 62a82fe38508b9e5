package org.fleetj.fleetd.systemd;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * systemd's rules for unit names, and the D-Bus object path systemd gives a unit. Checking names here
 * (rather than letting systemd refuse them) also guarantees that a name can never address a file
 * outside the units directory: '/' is simply not a unit-name character.
 */
public final class UnitNames {

    /** systemd's UNIT_NAME_MAX is 256 including the terminating NUL. */
    public static final int MAX_LENGTH = 255;

    private static final Set<String> UNIT_TYPES = Set.of("service", "socket", "target", "device", "mount",
            "automount", "swap", "timer", "path", "slice", "scope");
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9:_.\\\\@-]+");
    private static final String UNIT_PATH_PREFIX = "/org/freedesktop/systemd1/unit/";

    private UnitNames() {
    }

    /**
     * Returns {@code name} if systemd would accept it as a unit name (including templates like
     * {@code foo@.service}), else throws naming what is wrong.
     */
    public static String requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidUnitNameException("unit name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidUnitNameException("unit name is longer than " + MAX_LENGTH + " characters: "
                    + name.substring(0, 40) + "…");
        }
        if (!ALLOWED.matcher(name).matches()) {
            throw new InvalidUnitNameException("unit name " + quote(name)
                    + " contains characters systemd does not allow (only A-Z a-z 0-9 : _ . \\ @ -; no '/')");
        }
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            throw new InvalidUnitNameException("unit name " + quote(name) + " has no prefix or no type suffix");
        }
        String type = name.substring(dot + 1);
        if (!UNIT_TYPES.contains(type)) {
            throw new InvalidUnitNameException("unit name " + quote(name) + " has unknown unit type '" + type
                    + "' (expected one of " + String.join(", ", UNIT_TYPES.stream().sorted().toList()) + ")");
        }
        String prefix = name.substring(0, dot);
        int at = prefix.indexOf('@');
        if (at == 0 || (at >= 0 && prefix.indexOf('@', at + 1) >= 0)) {
            throw new InvalidUnitNameException("unit name " + quote(name)
                    + " has a misplaced '@' (expected at most one, after a non-empty prefix)");
        }
        return name;
    }

    /**
     * The object path systemd uses for a unit: {@code /org/freedesktop/systemd1/unit/} followed by the
     * name with every byte that is not a letter (or a digit after the first position) written as
     * {@code _xx} in lower-case hex, e.g. {@code dbus.service} → {@code .../unit/dbus_2eservice}.
     */
    public static String objectPath(String name) {
        return UNIT_PATH_PREFIX + escapeLabel(name);
    }

    static String escapeLabel(String label) {
        if (label.isEmpty()) {
            return "_";
        }
        StringBuilder out = new StringBuilder(label.length() * 2);
        byte[] bytes = label.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            if (letter || (digit && i > 0)) {
                out.append((char) c);
            } else {
                out.append('_').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return out.toString();
    }

    private static String quote(String name) {
        return "'" + name + "'";
    }
}
