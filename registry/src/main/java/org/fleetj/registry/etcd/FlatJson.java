package org.fleetj.registry.etcd;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a flat JSON record (scalars, and objects of scalars such as a machine's metadata) with Jackson's streaming
 * parser, without its data binding: building an {@code ObjectMapper} and its record deserializers costs ~0.15 s of
 * CPU in a fresh JVM, more than everything else fleetctl's etcd list commands do (docs/benchmarks.md). Scalars are
 * kept as their text, as data binding coerces them into the records' string and number fields.
 */
final class FlatJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final Map<String, Object> fields;

    private FlatJson(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** The record in {@code value}; null when it is JSON {@code null}. */
    static FlatJson parse(byte[] value) throws IOException {
        try (JsonParser p = FACTORY.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first == null) throw new IllegalArgumentException("no JSON value");
            if (first == JsonToken.VALUE_NULL) return null;
            if (first != JsonToken.START_OBJECT) throw new IllegalArgumentException("a JSON " + first.name() + " where an object belongs");
            return new FlatJson(object(p));
        }
    }

    private static Map<String, Object> object(JsonParser p) throws IOException {
        Map<String, Object> out = new HashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT) {
                out.put(name, object(p));
            } else if (v == JsonToken.START_ARRAY) {
                p.skipChildren();
                out.put(name, v); // no record read here has a list field: only its presence is kept
            } else {
                out.put(name, v == JsonToken.VALUE_NULL ? null : p.getText());
            }
        }
        if (t != JsonToken.END_OBJECT) throw new IllegalArgumentException("unexpected end of the JSON object");
        return out;
    }

    /** A string field; null when absent or null. */
    String string(String name) {
        Object v = fields.get(name);
        if (v == null || v instanceof String) return (String) v;
        throw new IllegalArgumentException("field \"" + name + "\" is not a string");
    }

    /** A boolean field; false when absent or null. */
    boolean bool(String name) {
        String v = string(name);
        if (v == null || v.equals("false")) return false;
        if (v.equals("true")) return true;
        throw new IllegalArgumentException("field \"" + name + "\" is not a boolean: " + v);
    }

    /** A whole-number field; null when absent or null. */
    Long number(String name) {
        String v = string(name);
        if (v == null) return null;
        try {
            return Long.valueOf(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field \"" + name + "\" is not a whole number: " + v, e);
        }
    }

    /** An object of string fields; null when absent or null. */
    Map<String, String> strings(String name) {
        Object v = fields.get(name);
        if (v == null) return null;
        if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException("field \"" + name + "\" is not an object");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getValue() != null && !(e.getValue() instanceof String)) {
                throw new IllegalArgumentException("field \"" + name + "." + e.getKey() + "\" is not a string");
            }
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return out;
    }
}
