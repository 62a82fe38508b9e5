package org.fleetj.fleetd.systemd;

import java.nio.charset.StandardCharsets;
import org.fleetj.unit.InvalidUnitNameException;
import org.fleetj.unit.UnitName;

/**
 * Unit-name checks before anything reaches systemd or the disk, and the D-Bus object path systemd
 * gives a unit.
 */
public final class UnitNames {

    private static final String UNIT_PATH_PREFIX = "/org/freedesktop/systemd1/unit/";

    private UnitNames() {
    }

    /**
     * Returns {@code name} if it is a valid unit name by fleet's rules ({@link UnitName#of}, which also
     * keeps out '/', so the name always stays inside the units directory), else throws naming the rule.
     */
    public static String requireValid(String name) {
        try {
            return UnitName.of(name).full();
        } catch (InvalidUnitNameException e) {
            throw new RejectedUnitNameException(e.getMessage(), e);
        }
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
        byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
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
}
