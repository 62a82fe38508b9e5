package org.fleetj.fleetctl.client.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request and its response over an open {@link Connection}, with {@code Connection: close}.
 * Just enough HTTP for fleet's API: Content-Length, chunked and read-to-close bodies; 1xx responses skipped.
 */
public final class HttpExchange {
    private static final int MAX_LINE = 64 * 1024;

    private HttpExchange() {
    }

    /**
     * @param body        request body, or null
     * @param contentType the body's media type, or null
     */
    public static HttpResponse execute(Connection connection, String method, String target, String host,
                                       byte[] body, String contentType) throws IOException {
        return execute(connection, method, target, host, body, contentType, null);
    }

    /** @param authorization an {@code Authorization} header value ({@code --api-token}), or null */
    public static HttpResponse execute(Connection connection, String method, String target, String host,
                                       byte[] body, String contentType, String authorization) throws IOException {
        send(connection, method, target, host, body, contentType, authorization);
        return read(new BufferedInputStream(connection.input(), 16 * 1024), method.equals("HEAD"));
    }

    /** The status line and headers of a response whose body is still to be read, from {@code body}. */
    public record StreamHead(int status, String reason, Map<String, String> headers, InputStream body) {
        /** The body as sent: de-chunked when chunked; the trailers land in {@code trailers}. */
        public InputStream content(Map<String, String> trailers) {
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) return new ChunkedInput(body, trailers);
            String length = headers.get("content-length");
            if (length == null) return body;
            long declared;
            try {
                declared = Long.parseLong(length);
            } catch (NumberFormatException e) {
                return body;
            }
            return new LimitedInput(body, declared);
        }
    }

    /** Ends at the declared Content-Length: the server may keep the connection open after the body. */
    private static final class LimitedInput extends java.io.FilterInputStream {
        private long left;

        LimitedInput(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int c = super.read();
            if (c >= 0) left--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }

    /** Sends a GET and reads the response up to its body, which the caller then streams (journal -f). */
    public static StreamHead stream(Connection connection, String target, String host, String authorization) throws IOException {
        send(connection, "GET", target, host, null, null, authorization);
        return readHead(new BufferedInputStream(connection.input(), 16 * 1024));
    }

    /** The status line and headers of the first final (non-1xx) response; the body is left in {@code in}. */
    private static StreamHead readHead(InputStream in) throws IOException {
        while (true) {
            String statusLine = readLine(in);
            if (statusLine == null) throw new EOFException("connection closed before a response arrived");
            if (!statusLine.startsWith("HTTP/1.")) throw new IOException("malformed HTTP status line: " + statusLine);
            String[] parts = statusLine.split(" ", 3);
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (RuntimeException e) {
                throw new IOException("malformed HTTP status line: " + statusLine, e);
            }
            Map<String, String> headers = headers(in);
            if (status >= 100 && status < 200) continue;
            return new StreamHead(status, parts.length > 2 ? parts[2] : "", headers, in);
        }
    }

    private static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) throw new IOException("malformed HTTP header: " + line);
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if (line == null) throw new EOFException("connection closed inside the response headers");
        return headers;
    }

    /** A chunked body as a stream, chunk by chunk as they arrive; the trailers are collected at its end. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private final Map<String, String> trailers;
        private int left;
        private boolean done;

        ChunkedInput(InputStream in, Map<String, String> trailers) {
            this.in = in;
            this.trailers = trailers;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            if (left == 0) {
                String sizeLine = readLine(in);
                if (sizeLine == null) throw new EOFException("connection closed inside a chunked body");
                int semi = sizeLine.indexOf(';');
                try {
                    left = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size: " + sizeLine, e);
                }
                if (left == 0) {
                    trailers.putAll(headers(in));
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) throw new EOFException("connection closed inside a chunk");
            left -= n;
            if (left == 0) {
                String end = readLine(in);
                if (end == null || !end.isEmpty()) throw new IOException("malformed chunk terminator");
            }
            return n;
        }
    }

    private static void send(Connection connection, String method, String target, String host,
                             byte[] body, String contentType, String authorization) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: fleetctl\r\n")
                .append("Accept: application/json\r\n")
                .append("Connection: close\r\n");
        if (authorization != null) head.append("Authorization: ").append(authorization).append("\r\n");
        if (body != null) {
            if (contentType != null) head.append("Content-Type: ").append(contentType).append("\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = connection.output();
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            out.write(headBytes);
        } else {
            byte[] all = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, all, 0, headBytes.length);
            System.arraycopy(body, 0, all, headBytes.length, body.length);
            out.write(all);
        }
        out.flush();
    }

    static HttpResponse read(InputStream in, boolean headOnly) throws IOException {
        StreamHead head = readHead(in);
        int status = head.status();
        Map<String, String> headers = head.headers();
        byte[] body;
        if (headOnly || status == 204 || status == 304) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked(in);
        } else if (headers.containsKey("content-length")) {
            long length;
            try {
                length = Long.parseLong(headers.get("content-length"));
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length: " + headers.get("content-length"), e);
            }
            if (length < 0 || length > Integer.MAX_VALUE - 8) throw new IOException("unsupported Content-Length " + length);
            body = in.readNBytes((int) length);
            if (body.length != length) throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
        } else {
            body = in.readAllBytes();
        }
        return new HttpResponse(status, head.reason(), headers, body);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) throw new EOFException("connection closed inside a chunked body");
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + sizeLine, e);
            }
            if (size == 0) {
                String trailer;
                while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                    // trailers carry nothing fleet uses
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) throw new EOFException("connection closed inside a chunk");
            body.write(chunk);
            String end = readLine(in);
            if (end == null || !end.isEmpty()) throw new IOException("malformed chunk terminator");
        }
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1, without the terminator; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) throw new IOException("HTTP line longer than " + MAX_LINE + " bytes");
            sb.append((char) c);
        }
        if (sb.length() == 0) return null;
        throw new EOFException("connection closed inside a line");
    }
}
