package org.fleetj.fleetd.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Reads a request body into a wire record, turning every Jackson complaint into a 400 that says what was wrong
 * and where ({@code unable to decode body: options[0].value must be a string, not a number}), as fleet prefixes
 * its own decoding errors; never a Java exception's name.
 */
final class JsonBodies {
    static final String PREFIX = "unable to decode body: ";

    private JsonBodies() {
    }

    static <T> T read(byte[] body, Class<T> type) throws ApiException {
        return read(body, ApiJson.MAPPER.constructType(type));
    }

    static <T> T read(byte[] body, JavaType type) throws ApiException {
        if (body.length == 0) throw ApiException.badRequest(PREFIX + "the request body is empty; a JSON entity is required");
        try {
            T value = ApiJson.MAPPER.readValue(body, type);
            if (value == null) throw ApiException.badRequest(PREFIX + "the request body is JSON null; a JSON entity is required");
            return value;
        } catch (MismatchedInputException e) {
            String where = location(e);
            String what = e.getTargetType() == null ? "" : " (" + jsonKind(e.getTargetType()) + " expected)";
            String detail = e.getOriginalMessage();
            if (detail != null && detail.startsWith("must be ")) {
                throw ApiException.badRequest(PREFIX + (where.isEmpty() ? "value" : where) + " " + detail);
            }
            throw ApiException.badRequest(PREFIX + (where.isEmpty() ? "the request body" : where) + " has the wrong type" + what);
        } catch (JsonMappingException e) {
            String where = location(e);
            throw ApiException.badRequest(PREFIX + (where.isEmpty() ? "" : where + ": ") + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(PREFIX + "malformed JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.badRequest(PREFIX + "unreadable request body: " + e.getMessage());
        }
    }

    /** What a JSON token is, in JSON's words. */
    static String describe(JsonToken t) {
        if (t == null) return "nothing";
        return switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_NULL -> "null";
            case VALUE_STRING -> "a string";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    private static String jsonKind(Class<?> type) {
        if (type == String.class) return "a string";
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) return "an array";
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) return "an object";
        return type.getSimpleName();
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid JSON";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Where in the entity the problem is, e.g. {@code options[2].value}. */
    private static String location(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining());
        return path.startsWith(".") ? path.substring(1) : path;
    }
}
