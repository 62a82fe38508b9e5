package org.fleetj.fleetd.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a {@link SocketChannel}, for unix sockets (which java.net.http cannot
 * reach) and TCP alike. One request per connection ({@code Connection: close}); the response is read
 * until the server closes, then parsed (Content-Length or chunked).
 */
final class RawHttp {
    private final SocketAddress address;
    private final StandardProtocolFamily family;

    private RawHttp(SocketAddress address, StandardProtocolFamily family) {
        this.address = address;
        this.family = family;
    }

    static RawHttp unix(Path socket) {
        return new RawHttp(UnixDomainSocketAddress.of(socket), StandardProtocolFamily.UNIX);
    }

    static RawHttp tcp(String host, int port) {
        return new RawHttp(new InetSocketAddress(host, port), StandardProtocolFamily.INET);
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    Response get(String path) throws IOException {
        return send("GET", path, null, null);
    }

    Response put(String path, String json) throws IOException {
        return send("PUT", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    Response patch(String path, String json) throws IOException {
        return send("PATCH", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    Response delete(String path) throws IOException {
        return send("DELETE", path, null, null);
    }

    Response send(String method, String path, String contentType, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: localhost\r\n");
        head.append("Connection: close\r\n");
        if (contentType != null) head.append("Content-Type: ").append(contentType).append("\r\n");
        if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + (body == null ? 0 : body.length)];
        System.arraycopy(h, 0, all, 0, h.length);
        if (body != null) System.arraycopy(body, 0, all, h.length, body.length);
        return parse(exchange(all));
    }

    /** Sends bytes as they are (for malformed requests) and returns what came back, unparsed. */
    byte[] exchange(byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(family)) {
            ch.connect(address);
            ByteBuffer out = ByteBuffer.wrap(request);
            try {
                while (out.hasRemaining()) ch.write(out);
            } catch (IOException e) {
                // the server may answer (413) and close before taking the whole body; read what it said
            }
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(65536);
            try {
                while (ch.read(buf) >= 0) {
                    buf.flip();
                    in.write(buf.array(), 0, buf.limit());
                    buf.clear();
                }
            } catch (IOException e) {
                if (in.size() == 0) throw e;
            }
            return in.toByteArray();
        }
    }

    static Response parse(byte[] raw) throws IOException {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (end < 0) throw new IOException("no complete HTTP response head in " + raw.length + " bytes: " + new String(raw, StandardCharsets.UTF_8));
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(rest);
        } else if (headers.containsKey("content-length")) {
            body = java.util.Arrays.copyOf(rest, Integer.parseInt(headers.get("content-length")));
        } else {
            body = rest;
        }
        return new Response(Integer.parseInt(status[1]), headers, body);
    }

    private static byte[] dechunk(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < data.length) {
            int lineEnd = indexOf(java.util.Arrays.copyOfRange(data, pos, data.length), new byte[] {'\r', '\n'});
            String sizeLine = new String(data, pos, lineEnd, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            pos += lineEnd + 2;
            if (size == 0) break;
            out.write(data, pos, size);
            pos += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
