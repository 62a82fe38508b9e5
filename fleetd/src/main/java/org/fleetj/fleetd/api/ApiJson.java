package org.fleetj.fleetd.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON mapper of the API. Writing is what fleet wrote: object keys in alphabetical order (fleet's
 * generated Go types marshal through a map) and empty values left out (Go's {@code omitempty}), so
 * {@code {"units":[]}} is {@code {}} exactly as fleet sends it. Reading is what fleet's Go decoder accepts, since
 * fleet clients rely on it: field names match in any case ({@code DesiredState}), unknown fields are ignored,
 * the first JSON value is read and anything after it ignored, the last of duplicate keys wins. Types are
 * checked: a string field takes only a string or null (Go refuses a number there too), never a coerced value.
 */
public final class ApiJson {
    public static final String CONTENT_TYPE = "application/json";

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .addModule(new SimpleModule("strict-strings").addDeserializer(String.class, new StrictString()))
            .build();

    private ApiJson() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write API response as JSON", e);
        }
    }

    /** fleet's error entity. */
    public static byte[] error(int code, String message) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", code);
        inner.put("message", message);
        return write(Map.of("error", inner));
    }

    /** A string field takes a JSON string (or null), nothing else: no number, boolean, array or object turned into text. */
    private static final class StrictString extends StdScalarDeserializer<String> {
        private static final long serialVersionUID = 1L;

        StrictString() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) return p.getText();
            return (String) ctxt.handleUnexpectedToken(String.class, p.currentToken(), p,
                    "must be a string, not " + JsonBodies.describe(p.currentToken()));
        }
    }
}
