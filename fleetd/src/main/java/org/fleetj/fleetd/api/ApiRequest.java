package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One API request as the resources see it, free of Jetty types: method, the path below the API root
 * (already percent-decoded), query parameters, Content-Type, and the body read on demand (bounded).
 */
record ApiRequest(String method, String path, Map<String, List<String>> query, Optional<String> contentType, Body body) {

    /** Reads the request body; refuses (413) bodies above the limit and reports broken uploads (400). */
    @FunctionalInterface
    interface Body {
        byte[] read() throws ApiException;
    }

    ApiRequest {
        query = Map.copyOf(query);
    }

    /** The only value of query parameter {@code name}, if given. */
    Optional<String> single(String name) throws ApiException {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) return Optional.empty();
        if (values.size() > 1) throw ApiException.badRequest("query parameter " + name + " given more than once");
        return Optional.of(values.get(0));
    }

    List<String> all(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** PUT and PATCH bodies must be JSON (fleet answers 415 otherwise). */
    void requireJson(String... acceptedTypes) throws ApiException {
        String type = contentType.map(t -> {
            int semi = t.indexOf(';');
            return (semi >= 0 ? t.substring(0, semi) : t).trim().toLowerCase(Locale.ROOT);
        }).orElse("");
        for (String accepted : acceptedTypes) {
            if (accepted.equals(type)) return;
        }
        throw new ApiException(415, "unsupported Content-Type " + GoQuote.q(contentType.orElse(""))
                + ", only " + String.join(" or ", acceptedTypes) + " is accepted");
    }
}
