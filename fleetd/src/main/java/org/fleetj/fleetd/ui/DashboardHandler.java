package org.fleetj.fleetd.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The web dashboard's files under {@code /ui/}: plain HTML, CSS and JavaScript from fleetd's jar, nothing loaded
 * from elsewhere (the Content-Security-Policy forbids it). They hold no cluster data; the page reads the cluster
 * through the API with the caller's credentials, so the access roles apply to it as to any client.
 */
public final class DashboardHandler extends Handler.Abstract {
    private static final String BASE = "/org/fleetj/fleetd/ui/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        String path = Request.getPathInContext(request);
        if (path.equals("/ui")) {
            response.setStatus(302);
            response.getHeaders().put(HttpHeader.LOCATION, "/ui/");
            response.write(true, null, callback);
            return true;
        }
        String file = path.substring("/ui/".length());
        if (file.isEmpty()) file = "index.html";
        String type = TYPES.get(file);
        if (type == null || !(request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
            Response.writeError(request, response, callback, 404, "no such dashboard file");
            return true;
        }
        byte[] body = cache.computeIfAbsent(file, DashboardHandler::load);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(body), callback);
        return true;
    }

    private static byte[] load(String file) {
        try (InputStream in = DashboardHandler.class.getResourceAsStream(BASE + file)) {
            if (in == null) throw new IllegalStateException("dashboard file " + file + " is missing from fleetd's jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read dashboard file " + file, e);
        }
    }
}
