package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A validated JSON Patch (RFC 6902) against machine metadata, as fleet's PATCH /machines takes it:
 * operations {@code add}, {@code replace} (both set a value) and {@code remove}, each on
 * {@code /<machineID>/metadata/<key>} (RFC 6901 escapes {@code ~0} {@code ~1} are understood). The whole
 * patch is validated before anything is applied, then applied in order.
 */
record MetadataPatch(List<Change> changes) {
    private static final Set<String> FIELDS = Set.of("op", "path", "value");

    /** Sets {@code key} of {@code machineId} to {@code value}, or removes it when {@code value} is null. */
    record Change(String machineId, String key, String value) {
    }

    static MetadataPatch parse(JsonNode root) throws ApiException {
        if (!root.isArray()) throw ApiException.badRequest("request body must be a JSON Patch array of operations");
        List<Change> changes = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            changes.add(change(i + 1, root.get(i)));
        }
        return new MetadataPatch(changes);
    }

    private static Change change(int n, JsonNode op) throws ApiException {
        String where = "operation " + n;
        if (!op.isObject()) throw ApiException.badRequest(where + " is not a JSON object");
        for (Iterator<String> it = op.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw ApiException.badRequest(where + ": unknown field " + GoQuote.q(f));
        }
        String kind = text(where, op, "op");
        String path = text(where, op, "path");
        String[] target = target(where, path);
        switch (kind) {
            case "add", "replace" -> {
                JsonNode v = op.get("value");
                if (v == null || v.isNull()) throw ApiException.badRequest(where + " (" + kind + "): value is missing");
                if (!v.isTextual()) throw ApiException.badRequest(where + " (" + kind + "): value must be a string");
                String value = v.asText();
                if (value.isEmpty()) {
                    throw ApiException.badRequest(where + " (" + kind + "): value must not be empty; use \"remove\" to delete a key");
                }
                checkText(where, "value", value, false);
                return new Change(target[0], target[1], value);
            }
            case "remove" -> {
                return new Change(target[0], target[1], null);
            }
            default -> throw ApiException.badRequest(where + ": unsupported op " + GoQuote.q(kind)
                    + "; supported are \"add\", \"remove\" and \"replace\"");
        }
    }

    private static String text(String where, JsonNode op, String field) throws ApiException {
        JsonNode v = op.get(field);
        if (v == null || v.isNull()) throw ApiException.badRequest(where + ": " + field + " is missing");
        if (!v.isTextual()) throw ApiException.badRequest(where + ": " + field + " must be a string");
        return v.asText();
    }

    /** {machineId, key} from {@code /<machineID>/metadata/<key>}. */
    private static String[] target(String where, String path) throws ApiException {
        String bad = where + ": path " + GoQuote.q(path) + " must have the form /<machineID>/metadata/<key>";
        if (!path.startsWith("/")) throw ApiException.badRequest(bad);
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != 3 || !parts[1].equals("metadata")) throw ApiException.badRequest(bad);
        String machine = unescape(where, parts[0]);
        String key = unescape(where, parts[2]);
        if (machine.isEmpty() || key.isEmpty()) throw ApiException.badRequest(bad);
        checkText(where, "machine ID", machine, true);
        checkText(where, "metadata key", key, true);
        if (key.indexOf('=') >= 0 || key.indexOf(',') >= 0) {
            throw ApiException.badRequest(where + ": metadata key " + GoQuote.q(key) + " must not contain '=' or ','");
        }
        return new String[] {machine, key};
    }

    private static String unescape(String where, String segment) throws ApiException {
        StringBuilder sb = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '~') {
                sb.append(c);
                continue;
            }
            char next = i + 1 < segment.length() ? segment.charAt(i + 1) : 0;
            if (next == '0') sb.append('~');
            else if (next == '1') sb.append('/');
            else throw ApiException.badRequest(where + ": invalid escape '~' in path segment " + GoQuote.q(segment) + " (only ~0 and ~1)");
            i++;
        }
        return sb.toString();
    }

    /** No control characters anywhere; identifiers also without whitespace or '/' (they become registry keys). */
    private static void checkText(String where, String what, String s, boolean identifier) throws ApiException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || Character.isISOControl(c)) {
                throw ApiException.badRequest(where + ": " + what + " contains control character "
                        + String.format("\\x%02x", (int) c));
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw ApiException.badRequest(where + ": " + what + " contains an unpaired UTF-16 surrogate");
            }
            if (identifier && (Character.isWhitespace(c) || c == '/')) {
                throw ApiException.badRequest(where + ": " + what + " " + GoQuote.q(s) + " must not contain whitespace or '/'");
            }
        }
        if (s.length() > 1024) throw ApiException.badRequest(where + ": " + what + " is longer than 1024 characters");
    }
}
