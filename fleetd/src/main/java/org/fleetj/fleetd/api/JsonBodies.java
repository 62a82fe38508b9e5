package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.stream.Collectors;

/** Reads a request body into a wire record, turning every Jackson complaint into a 400 that says what was wrong. */
final class JsonBodies {
    private JsonBodies() {
    }

    static <T> T read(byte[] body, Class<T> type) throws ApiException {
        return read(body, ApiJson.MAPPER.constructType(type));
    }

    static <T> T read(byte[] body, JavaType type) throws ApiException {
        if (body.length == 0) throw ApiException.badRequest("request body is empty; a JSON entity is required");
        try {
            T value = ApiJson.MAPPER.readValue(body, type);
            if (value == null) throw ApiException.badRequest("request body is JSON null; a JSON entity is required");
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown field " + GoQuote.q(e.getPropertyName()) + " in request body"
                    + location(e, 1));
        } catch (JsonMappingException e) {
            throw ApiException.badRequest("invalid request body" + location(e, 0) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON in request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable request body: " + e.getMessage());
        }
    }

    /**
     * Where in the entity the problem is, e.g. " at options[2].value"; {@code dropLast} path elements are left
     * out (an unknown field's own name is already in the message, so its location is its parent).
     */
    private static String location(JsonMappingException e, int dropLast) {
        int keep = e.getPath().size() - dropLast;
        if (keep <= 0) return "";
        String path = e.getPath().subList(0, keep).stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining());
        return " at " + (path.startsWith(".") ? path.substring(1) : path);
    }
}
