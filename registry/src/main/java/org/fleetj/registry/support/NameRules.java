package org.fleetj.registry.support;

/**
 * Checks the names that become parts of registry keys, so a bad name fails with a message naming it
 * instead of corrupting the key layout (a '/' would create a different key path).
 */
public final class NameRules {
    private NameRules() {
    }

    public static String unitName(String name) {
        return keyPart("unit name", name);
    }

    public static String machineId(String id) {
        return keyPart("machine id", id);
    }

    public static String metadataKey(String key) {
        return keyPart("metadata key", key);
    }

    private static String keyPart(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("invalid " + what + " \"" + value
                        + "\": it must not contain '/', whitespace or control characters");
            }
        }
        return value;
    }
}
