package org.fleetj.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 to fleetd's API exactly as a recorded fleet client sent it: the path byte for byte (double slashes,
 * percent-escapes), every header as given (two Content-Types, none at all), any method (HEAD, OPTIONS), a body on a
 * DELETE. One connection per request ({@code Connection: close}); the answer is read to the end.
 */
final class RawApi {
    private final String host;
    private final int port;

    RawApi(String baseUrl) {
        URI u = URI.create(baseUrl);
        this.host = u.getHost();
        this.port = u.getPort();
    }

    /** One answer: status (0 when the server closed without one), lower-case header names, body. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        String contentType() {
            return headers.get("content-type");
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Answer send(String method, String path, List<String> headers, String body) {
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\nConnection: close\r\n")
                .append("User-Agent: fleet-conformance\r\n");
        for (String h : headers) head.append(h).append("\r\n");
        if (payload != null) head.append("Content-Length: ").append(payload.length).append("\r\n");
        head.append("\r\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (payload != null) out.write(payload);
            out.flush();
            return parse(s.getInputStream(), method.equals("HEAD"));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + ": " + e, e);
        }
    }

    private static Answer parse(InputStream in, boolean head) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) return new Answer(0, Map.of(), all);
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if (head) return new Answer(status, headers, new byte[0]);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) rest = dechunk(rest);
        return new Answer(status, headers, rest);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = i;
            while (lineEnd + 1 < body.length && !(body[lineEnd] == '\r' && body[lineEnd + 1] == '\n')) lineEnd++;
            int size = Integer.parseInt(new String(body, i, lineEnd - i, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
            if (size == 0) break;
            out.write(body, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }
}
