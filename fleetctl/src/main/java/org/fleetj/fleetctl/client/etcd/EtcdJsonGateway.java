package org.fleetj.fleetctl.client.etcd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.fleetj.fleetctl.client.api.DirectConnector;
import org.fleetj.fleetctl.client.api.HttpExchange;
import org.fleetj.fleetctl.client.api.HttpResponse;
import org.fleetj.fleetctl.client.api.Json;
import org.fleetj.fleetctl.client.api.JsonException;
import org.fleetj.registry.etcd.EtcdListing;

/**
 * Reads key prefixes from etcd through its JSON gateway ({@code POST /v3/kv/txn} holding range requests, keys and
 * values in base64: etcd's own KV API as JSON over HTTP/1.1) with fleetctl's HTTP client and JSON reader, so the
 * etcd driver's list commands load no gRPC, Netty or jetcd (~0.5 s of CPU before jetcd's first request). All prefixes
 * of one call are read in one transaction: one revision, as the registry's own reads.
 *
 * <p>Endpoints are tried in order; one that cannot be reached or spoken to (refused connection, TLS handshake, time
 * out) passes the read to the next. When etcd answers anything but a well-formed 200 (authentication required, an
 * error), or no endpoint answers, {@link Unavailable} tells the caller to leave the work to jetcd, whose errors are
 * the etcd driver's.
 */
final class EtcdJsonGateway {
    /** One prefix to read; {@code keysOnly} leaves the values out (schedule keys). */
    record Range(String prefix, boolean keysOnly) {
    }

    /** The gateway could not give an answer this reader trusts. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final List<URI> endpoints;
    private final int timeoutMillis;
    private final SSLSocketFactory tls;

    /** @param tls null for {@code http} endpoints */
    EtcdJsonGateway(List<URI> endpoints, int timeoutMillis, SSLSocketFactory tls) {
        this.endpoints = List.copyOf(endpoints);
        this.timeoutMillis = Math.max(1, timeoutMillis);
        this.tls = tls;
    }

    /** The entries under each prefix, in the order asked, read at one revision. */
    List<List<EtcdListing.Entry>> read(Range... ranges) throws Unavailable {
        byte[] body = request(ranges).getBytes(StandardCharsets.UTF_8);
        Exception last = null;
        for (URI endpoint : endpoints) {
            HttpResponse response;
            try {
                response = post(endpoint, body);
            } catch (IOException e) {
                last = e;
                continue; // as jetcd does: another member may answer
            }
            if (response.status() != 200) {
                throw new Unavailable(endpoint + " answered " + response.status() + " " + response.reason() + ": "
                        + response.bodyText().strip(), null);
            }
            try {
                return entries(Json.parse(response.bodyText()), ranges.length);
            } catch (JsonException | ClassCastException | IllegalArgumentException e) {
                throw new Unavailable(endpoint + " answered what this reader does not understand: " + e.getMessage(), e);
            }
        }
        throw new Unavailable("no etcd endpoint answered: " + (last == null ? "none given" : last.getMessage()), last);
    }

    private HttpResponse post(URI endpoint, byte[] body) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), timeoutMillis);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(socket, endpoint.getHost(), endpoint.getPort(), true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // etcd's certificate must name the address dialled
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                socket = ssl;
            }
            return HttpExchange.execute(new DirectConnector.SocketConnection(socket), "POST", "/v3/kv/txn",
                    endpoint.getHost() + ":" + endpoint.getPort(), body, "application/json");
        } finally {
            socket.close();
        }
    }

    private static String request(Range... ranges) {
        List<Object> success = new ArrayList<>();
        for (Range r : ranges) {
            byte[] start = r.prefix().getBytes(StandardCharsets.UTF_8);
            Map<String, Object> range = new LinkedHashMap<>();
            range.put("key", base64(start));
            range.put("range_end", base64(prefixEnd(start)));
            if (r.keysOnly()) range.put("keys_only", Boolean.TRUE);
            success.add(Map.of("request_range", range));
        }
        return Json.write(Map.of("success", success));
    }

    @SuppressWarnings("unchecked")
    private static List<List<EtcdListing.Entry>> entries(Object answer, int expected) {
        List<Object> responses = (List<Object>) ((Map<String, Object>) answer).get("responses");
        if (responses == null || responses.size() != expected) {
            throw new IllegalArgumentException("expected " + expected + " range responses");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        List<List<EtcdListing.Entry>> out = new ArrayList<>(expected);
        for (Object r : responses) {
            Map<String, Object> range = (Map<String, Object>) ((Map<String, Object>) r).get("response_range");
            if (range == null) throw new IllegalArgumentException("a response that is not a range");
            List<EtcdListing.Entry> kvs = new ArrayList<>();
            List<Object> items = (List<Object>) range.get("kvs");
            if (items != null) {
                for (Object o : items) {
                    Map<String, Object> kv = (Map<String, Object>) o;
                    String key = new String(b64.decode((String) kv.get("key")), StandardCharsets.UTF_8);
                    Object value = kv.get("value"); // left out when empty, and for keys only
                    Object revision = kv.get("mod_revision"); // int64s are strings in the gateway's JSON
                    kvs.add(new EtcdListing.Entry(key, value == null ? new byte[0] : b64.decode((String) value),
                            revision == null ? 0 : Long.parseLong(revision.toString())));
                }
            }
            out.add(kvs);
        }
        return out;
    }

    /** The smallest key above every key starting with {@code prefix} (etcd's {@code range_end} for a prefix). */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return new byte[] {0};
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
