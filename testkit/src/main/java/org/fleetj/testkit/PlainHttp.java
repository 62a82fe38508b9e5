package org.fleetj.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal HTTP/1.0 client on a plain socket. HTTP/1.0 with one request per connection means the server
 * neither chunks nor keeps the connection alive, so the reply is simply everything until EOF. Deliberately
 * not java.net.http.HttpClient: its selector thread and connection pool outlive a test and hide timeouts.
 */
final class PlainHttp {
    /** Status code and body of a reply. */
    record Reply(int status, String body) {
    }

    private PlainHttp() {
    }

    static Reply get(URI uri, Duration timeout) throws IOException {
        return exchange("GET", uri, null, timeout);
    }

    static Reply post(URI uri, String jsonBody, Duration timeout) throws IOException {
        return exchange("POST", uri, jsonBody, timeout);
    }

    private static Reply exchange(String method, URI uri, String body, Duration timeout) throws IOException {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), millis);
            socket.setSoTimeout(millis);
            byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder()
                    .append(method).append(' ').append(uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()).append(" HTTP/1.0\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            return parse(readAll(socket.getInputStream()), uri);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toByteArray();
    }

    private static Reply parse(byte[] raw, URI uri) throws IOException {
        String text = new String(raw, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/") || headEnd < 0) {
            throw new IOException("not an HTTP reply from " + uri + ": " + abbreviate(text));
        }
        String[] statusLine = text.substring(0, text.indexOf("\r\n")).split(" ", 3);
        try {
            return new Reply(Integer.parseInt(statusLine[1]), text.substring(headEnd + 4));
        } catch (RuntimeException e) {
            throw new IOException("bad HTTP status line from " + uri + ": " + abbreviate(text), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
