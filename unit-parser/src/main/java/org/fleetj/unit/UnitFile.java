package org.fleetj.unit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A unit file as fleet sees it: an ordered list of options. Its identity is the SHA1 of the canonical
 * serialization (fleet's hash), so comments and whitespace never change it. Immutable.
 */
public final class UnitFile {
    private final List<UnitOption> options;
    private volatile String serialized;
    private volatile UnitHash hash;

    private UnitFile(List<UnitOption> options) {
        this.options = List.copyOf(options);
    }

    public static UnitFile of(List<UnitOption> options) {
        return new UnitFile(options);
    }

    /** Parses unit file text; see {@link UnitFileParser} for the rules. */
    public static UnitFile parse(String text) throws UnitParseException {
        return new UnitFile(UnitFileParser.parse(text));
    }

    /**
     * Parses unit file bytes, which must be UTF-8 (as read from disk or the wire); invalid UTF-8 is a
     * {@link UnitParseException} naming the line, never a silently replaced character.
     */
    public static UnitFile parse(byte[] utf8) throws UnitParseException {
        return new UnitFile(UnitFileParser.parse(utf8));
    }

    public List<UnitOption> options() {
        return options;
    }

    /**
     * fleet's canonical text: options grouped by section in order of first appearance,
     * {@code [Section]\n} then {@code Name=Value\n} per option, one blank line between sections,
     * no trailing blank line.
     */
    public String serialize() {
        String s = serialized;
        if (s == null) {
            Map<String, List<UnitOption>> bySection = new LinkedHashMap<>();
            for (UnitOption o : options) {
                bySection.computeIfAbsent(o.section(), k -> new ArrayList<>()).add(o);
            }
            StringBuilder sb = new StringBuilder();
            boolean first = true;
            for (Map.Entry<String, List<UnitOption>> e : bySection.entrySet()) {
                if (!first) sb.append('\n');
                first = false;
                sb.append('[').append(e.getKey()).append("]\n");
                for (UnitOption o : e.getValue()) {
                    sb.append(o.name()).append('=').append(o.value()).append('\n');
                }
            }
            serialized = s = sb.toString();
        }
        return s;
    }

    public UnitHash hash() {
        UnitHash h = hash;
        if (h == null) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-1").digest(serialize().getBytes(StandardCharsets.UTF_8));
                StringBuilder sb = new StringBuilder(40);
                for (byte b : d) sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
                hash = h = new UnitHash(sb.toString());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
            }
        }
        return h;
    }

    /** Values of {@code name} in {@code section}, in file order. */
    public List<String> values(String section, String name) {
        List<String> out = new ArrayList<>();
        for (UnitOption o : options) {
            if (o.section().equals(section) && o.name().equals(name)) out.add(o.value());
        }
        return out;
    }

    public boolean hasSection(String section) {
        for (UnitOption o : options) {
            if (o.section().equals(section)) return true;
        }
        return false;
    }

    /** {@code [Unit] Description}, the last one given. */
    public Optional<String> description() {
        List<String> v = values("Unit", "Description");
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitFile u && u.options.equals(options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }

    @Override
    public String toString() {
        return serialize();
    }
}
