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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A minimal HTTP/1.0 client on a plain socket. HTTP/1.0 with one request per connection means the server
 * neither chunks nor keeps the connection alive, so the reply is simply everything until EOF. Deliberately
 * not java.net.http.HttpClient: its selector thread and connection pool outlive a test and hide timeouts.
 * With an {@link SSLContext} the same exchange runs over TLS (an {@code https} URI), the server's name checked.
 */
final class PlainHttp {
    /** Status code and body of a reply. */
    record Reply(int status, String body) {
    }

    private PlainHttp() {
    }

    static Reply get(URI uri, Duration timeout, SSLContext tls) throws IOException {
        return exchange("GET", uri, null, timeout, tls);
    }

    static Reply post(URI uri, String jsonBody, Duration timeout, SSLContext tls) throws IOException {
        return exchange("POST", uri, jsonBody, timeout, tls);
    }

    /** @param tls null for plain HTTP */
    private static Reply exchange(String method, URI uri, String body, Duration timeout, SSLContext tls) throws IOException {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), millis);
            plain.setSoTimeout(millis);
            Socket socket = tls == null ? plain : handshake(tls, plain, uri);
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

    private static Socket handshake(SSLContext tls, Socket plain, URI uri) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, uri.getHost(), uri.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");   // the certificate must name the address dialled
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
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
