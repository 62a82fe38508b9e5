package org.fleetj.fleetd.api;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.unit.GoQuote;

/**
 * The Jetty side of the API: turns a Jetty request into an {@link ApiRequest}, lets the {@link ApiRouter} answer,
 * and writes the answer with fleet's headers ({@code Server: fleetd/<version>}, fleet's Content-Types).
 *
 * <p>A request body is read without holding a thread while the client sends it (a client that sends a byte every
 * few seconds costs a connection, never one of the API's threads: slow clients cannot starve the others), at most
 * {@link #MAX_BODY_BYTES}, and only while the {@link BodyBudget} has room for it, which bounds the memory that
 * concurrent large bodies may hold. The request is answered once its body is complete.
 */
final class JettyApiHandler extends Handler.Abstract {
    /** Largest accepted request body (1 MiB); larger ones get 413. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private final ApiRouter router;
    private final String serverHeader;
    private final FleetMetrics metrics;
    private final BodyBudget budget;

    JettyApiHandler(ApiRouter router, String serverHeader, FleetMetrics metrics, BodyBudget budget) {
        this.router = router;
        this.serverHeader = serverHeader;
        this.metrics = metrics;
        this.budget = budget;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        long declared = request.getLength();
        boolean hasBody = declared > 0 || (declared < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
        if (!hasBody) {
            answer(request, response, callback, start, ApiResponse.EMPTY);
            return true;
        }
        if (declared > MAX_BODY_BYTES) {
            write(request, response, callback, start, null, ApiResponse.error(413, tooLarge()));
            return true;
        }
        int reserved = declared > 0 ? (int) declared : MAX_BODY_BYTES;
        if (!budget.tryReserve(reserved)) {
            write(request, response, callback, start, null, ApiResponse.error(503, budget.refusal(reserved)));
            return true;
        }
        Content.Source.asByteArrayAsync(request, MAX_BODY_BYTES).whenComplete((body, failure) -> {
            budget.release(reserved);
            // answered on one of the API's threads: routing may wait on etcd
            request.getContext().execute(() -> {
                if (failure == null) {
                    answer(request, response, callback, start, body);
                } else {
                    write(request, response, callback, start, null, ApiResponse.error(bodyFailureStatus(failure), bodyFailure(failure)));
                }
            });
        });
        return true;
    }

    private void answer(Request request, Response response, Callback callback, long start, byte[] body) {
        ApiResponse answer;
        String location = null;
        try {
            String path = decodedPath(request);
            String clean = CleanPath.of(path);
            if (!clean.equals(path)) {
                // as fleet (Go's ServeMux): a path with "//", "/./" or "/../" is redirected to its clean form
                String rawQuery = request.getHttpURI().getQuery();
                location = URIUtil.encodePath(clean) + (rawQuery == null ? "" : "?" + rawQuery);
                answer = CleanPath.redirect(location);
            } else {
                ApiRequest apiRequest = new ApiRequest(request.getMethod(), "", query(request),
                        request.getHeaders().getValuesList(HttpHeader.CONTENT_TYPE), () -> body);
                answer = router.route(path, apiRequest);
            }
        } catch (ApiException e) {
            answer = ApiResponse.error(e.status(), e.getMessage());
        }
        write(request, response, callback, start, location, answer);
    }

    private void write(Request request, Response response, Callback callback, long start, String location, ApiResponse answer) {
        // counted before the answer leaves: a client that reads /metrics right after its response finds it there
        metrics.apiRequests(methodLabel(request.getMethod()), answer.status()).inc();
        metrics.apiRequestServed(start);
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.SERVER, serverHeader);
        if (location != null) response.getHeaders().put(HttpHeader.LOCATION, location);
        if (answer.contentType() != null) response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        if (answer.status() == 204 || request.getMethod().equals("HEAD")) {
            response.write(true, null, callback);
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
            response.write(true, ByteBuffer.wrap(answer.body()), callback);
        }
    }

    /**
     * The path with its percent-encoding undone: Jetty 12 hands it over still encoded, and fleet's Go clients
     * encode the reserved characters of unit names ({@code foo%401.service} for {@code foo@1.service}).
     * Encodings that would change the path's structure ({@code %2F}) Jetty has refused before this runs.
     */
    private static String decodedPath(Request request) throws ApiException {
        String encoded = Request.getPathInContext(request);
        try {
            return URIUtil.decodePath(encoded);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed percent-encoding in path " + GoQuote.q(encoded));
        }
    }

    private static Map<String, List<String>> query(Request request) throws ApiException {
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("malformed query string: " + e.getMessage());
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Fields.Field f : fields) out.put(f.getName(), new ArrayList<>(f.getValues()));
        return out;
    }

    private static int bodyFailureStatus(Throwable failure) {
        return isTooLarge(failure) ? 413 : 400;
    }

    private static String bodyFailure(Throwable failure) {
        if (isTooLarge(failure)) return tooLarge();
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return "request body could not be read: " + (root.getMessage() == null ? "the connection failed" : root.getMessage());
    }

    /** Jetty reports a body over the limit as an IllegalArgumentException naming the size. */
    private static boolean isTooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("max size")) return true;
        }
        return false;
    }

    private static String tooLarge() {
        return "request body larger than " + MAX_BODY_BYTES + " bytes (1 MiB)";
    }

    /** Keeps the metric's label set small: any unusual method counts as OTHER. */
    private static String methodLabel(String method) {
        return switch (method) {
            case "GET", "PUT", "DELETE", "PATCH", "POST", "HEAD" -> method;
            default -> "OTHER";
        };
    }
}
