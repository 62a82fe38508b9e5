package org.fleetj.fleetd.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One API request as the resources see it, free of Jetty types: method, the path below the collection
 * (already percent-decoded), query parameters, every Content-Type header sent, and the body read on demand (bounded).
 */
record ApiRequest(String method, String path, Map<String, List<String>> query, List<String> contentTypes, Body body) {

    /** Reads the request body; refuses (413) bodies above the limit and reports broken uploads (400). */
    @FunctionalInterface
    interface Body {
        byte[] read() throws ApiException;
    }

    ApiRequest {
        query = Map.copyOf(query);
        contentTypes = List.copyOf(contentTypes);
    }

    ApiRequest below(String rest) {
        return new ApiRequest(method, rest, query, contentTypes, body);
    }

    /** The only value of query parameter {@code name}, if given; fleet refuses a repeated page token. */
    Optional<String> single(String name, String tooManyMessage) throws ApiException {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) return Optional.empty();
        if (values.size() > 1) throw ApiException.badRequest(tooManyMessage);
        return Optional.of(values.get(0));
    }

    /**
     * A filter as fleet reads it: the first value of query parameter {@code name} (later repetitions are ignored),
     * empty when not given or empty ({@code machineID=} is no filter).
     */
    Optional<String> filter(String name) {
        List<String> values = query.getOrDefault(name, List.of());
        return values.isEmpty() || values.get(0).isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** fleet's refusal (405) of any other method on a resource that answers only {@code allowed}. */
    void requireMethod(String allowed) throws ApiException {
        if (!method.equals(allowed)) throw ApiException.methodNotAllowed("only " + allowed + " supported against this resource");
    }

    /**
     * fleet's check of a PUT body's type: exactly one Content-Type header, whose media type (parameters such as
     * {@code charset} aside) is {@code application/json}, matched exactly as fleet does (415 otherwise).
     */
    void requireJson() throws ApiException {
        if (contentTypes.size() != 1) {
            throw new ApiException(415, "expected 1 Content-Type, got " + contentTypes.size());
        }
        String t = contentTypes.get(0);
        int semi = t.indexOf(';');
        if (!(semi >= 0 ? t.substring(0, semi) : t).trim().equals(ApiJson.CONTENT_TYPE)) {
            throw new ApiException(415, "only acceptable Content-Type is " + ApiJson.CONTENT_TYPE);
        }
    }
}
