package org.fleetj.registry;

import java.util.Locale;

/** How the rollout records' enums are written in etcd and the API: their names in lower case. */
final class RolloutWireNames {
    private RolloutWireNames() {
    }

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The constant written as {@code text}; an {@link IllegalArgumentException} naming the accepted words otherwise. */
    static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        for (E v : type.getEnumConstants()) {
            if (of(v).equals(text)) return v;
        }
        StringBuilder words = new StringBuilder();
        for (E v : type.getEnumConstants()) words.append(words.length() == 0 ? "" : ", ").append(of(v));
        throw new IllegalArgumentException("unknown " + what + " " + text + " (" + words + ")");
    }
}
