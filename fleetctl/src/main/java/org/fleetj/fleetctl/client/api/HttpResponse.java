package org.fleetj.fleetctl.client.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A complete HTTP response: status, headers (names lower-cased) and the whole body. */
public record HttpResponse(int status, String reason, Map<String, String> headers, byte[] body) {
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
