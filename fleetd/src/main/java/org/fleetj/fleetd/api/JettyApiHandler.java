package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.fleetj.fleetd.metrics.FleetMetrics;

/**
 * The Jetty side of the API: turns a Jetty request into an {@link ApiRequest}, lets the
 * {@link ApiRouter} answer, and writes the answer with fleet's headers ({@code Server: fleetd/<version>},
 * {@code Content-Type: application/json}). Bodies are read only by the resources that need them, and
 * never more than {@link #MAX_BODY_BYTES}.
 */
final class JettyApiHandler extends Handler.Abstract {
    /** Largest accepted request body (1 MiB); larger ones get 413. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private final ApiRouter router;
    private final String serverHeader;
    private final FleetMetrics metrics;

    JettyApiHandler(ApiRouter router, String serverHeader, FleetMetrics metrics) {
        this.router = router;
        this.serverHeader = serverHeader;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String method = request.getMethod();
        ApiResponse answer;
        try {
            ApiRequest apiRequest = new ApiRequest(method, "", query(request),
                    Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE)), () -> readBody(request));
            answer = router.route(decodedPath(request), apiRequest);
        } catch (ApiException e) {
            answer = ApiResponse.error(e.status(), e.getMessage());
        }
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.SERVER, serverHeader);
        if (answer.contentType() != null) response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        if (answer.status() == 204) {
            response.write(true, null, callback);
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
            response.write(true, ByteBuffer.wrap(answer.body()), callback);
        }
        metrics.apiRequests(methodLabel(method), answer.status()).inc();
        metrics.apiRequestServed(start);
        return true;
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

    private static byte[] readBody(Request request) throws ApiException {
        long declared = request.getLength();
        if (declared > MAX_BODY_BYTES) throw tooLarge();
        try (InputStream in = Request.asInputStream(request)) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) throw tooLarge();
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("request body could not be read: " + e.getMessage());
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "request body larger than " + MAX_BODY_BYTES + " bytes (1 MiB)");
    }

    /** Keeps the metric's label set small: any unusual method counts as OTHER. */
    private static String methodLabel(String method) {
        return switch (method) {
            case "GET", "PUT", "DELETE", "PATCH", "POST", "HEAD" -> method;
            default -> "OTHER";
        };
    }
}
