package org.fleetj.fleetd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed parsing of raw option strings; every failure names the option and the offending value. */
final class ConfigValues {
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private ConfigValues() {
    }

    /** Strips one pair of surrounding double quotes, as fleet.conf examples quote values. */
    static String unquote(String v) {
        String t = v.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    /** A list given as {@code a,b} or fleet's {@code ["a","b"]}. */
    static List<String> list(String option, String v) throws ConfigException {
        String t = v.trim();
        if (t.startsWith("[")) {
            if (!t.endsWith("]")) throw new ConfigException("invalid value for " + option + ": unterminated list " + v);
            t = t.substring(1, t.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String part : t.split(",")) {
            String p = unquote(part.trim());
            if (!p.isEmpty()) out.add(p);
        }
        return out;
    }

    static boolean bool(String option, String v) throws ConfigException {
        switch (unquote(v).toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "t": return true;
            case "false", "0", "no", "f", "": return false;
            default: throw new ConfigException("invalid value for " + option + ": \"" + v + "\" is not a boolean (true or false)");
        }
    }

    static int integer(String option, String v, int min, int max) throws ConfigException {
        try {
            int i = Integer.parseInt(unquote(v));
            if (i < min || i > max) throw new ConfigException("invalid value for " + option + ": " + i + " is outside " + min + ".." + max);
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException("invalid value for " + option + ": \"" + v + "\" is not a whole number");
        }
    }

    /** fleet's float seconds, e.g. {@code 1.0}; must be positive. */
    static Duration seconds(String option, String v) throws ConfigException {
        try {
            double d = Double.parseDouble(unquote(v));
            if (!(d > 0) || Double.isInfinite(d)) throw new ConfigException("invalid value for " + option + ": " + v + " must be a positive number of seconds");
            return Duration.ofNanos((long) (d * 1e9));
        } catch (NumberFormatException e) {
            throw new ConfigException("invalid value for " + option + ": \"" + v + "\" is not a number of seconds");
        }
    }

    /** A Go duration such as {@code 30s}, {@code 1m30s}, {@code 500ms}; a bare number means seconds. */
    static Duration goDuration(String option, String v) throws ConfigException {
        String t = unquote(v);
        if (t.matches("\\d+(\\.\\d+)?")) return seconds(option, t);
        Matcher m = GO_DURATION_PART.matcher(t);
        int pos = 0;
        double nanos = 0;
        while (m.find() && m.start() == pos) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            pos = m.end();
        }
        if (t.isEmpty() || pos != t.length()) {
            throw new ConfigException("invalid value for " + option + ": \"" + v + "\" is not a duration (e.g. 30s, 1m30s, 500ms)");
        }
        if (nanos <= 0) throw new ConfigException("invalid value for " + option + ": " + v + " must be longer than zero");
        return Duration.ofNanos((long) nanos);
    }

    /** fleet's metadata: {@code k=v,k2=v2}. */
    static Map<String, String> metadata(String option, String v) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        String t = unquote(v);
        if (t.isBlank()) return out;
        for (String pair : t.split(",")) {
            String p = pair.trim();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new ConfigException("invalid value for " + option + ": \"" + p + "\" is not key=value");
            }
            String key = p.substring(0, eq).trim();
            String val = p.substring(eq + 1).trim();
            if (!key.matches("[A-Za-z0-9_.\\-]+")) {
                throw new ConfigException("invalid value for " + option + ": key \"" + key + "\" may only use letters, digits, '_', '.', '-'");
            }
            out.put(key, val);
        }
        return out;
    }

    static Optional<Path> optionalPath(String v) {
        String t = unquote(v);
        return t.isEmpty() ? Optional.empty() : Optional.of(Path.of(t));
    }

    static Optional<String> optionalString(String v) {
        String t = unquote(v);
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }
}
