package org.fleetj.fleetd.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before our handler runs (malformed request lines, ambiguous URIs such as an encoded
 * {@code %2F}, oversized headers) answered like every other API error: fleet's JSON error entity, never
 * an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final String serverHeader;

    JsonErrorHandler(String serverHeader) {
        this.serverHeader = serverHeader;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() > 0 ? response.getStatus() : 500;
        Object attrStatus = request.getAttribute(ERROR_STATUS);
        if (attrStatus instanceof Integer i) status = i;
        Object attrMessage = request.getAttribute(ERROR_MESSAGE);
        String message = attrMessage instanceof String s && !s.isEmpty() ? s : reason(status);
        byte[] body = ApiJson.error(status, message);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.SERVER, serverHeader);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ApiJson.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.SERVER, serverHeader);
        fields.put(HttpHeader.CONTENT_TYPE, ApiJson.CONTENT_TYPE);
        return ByteBuffer.wrap(ApiJson.error(status, reason == null || reason.isEmpty() ? reason(status) : reason));
    }

    private static String reason(int status) {
        String r = HttpStatus.getMessage(status);
        return r == null ? "error " + status : r;
    }
}
