package org.fleetj.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Reads and writes keys through etcd's v3 JSON gateway ({@code POST /v3/kv/put}, {@code /v3/kv/range}, keys and
 * values base64), and checks {@code /health}. An independent witness for tests: it shares no code with jetcd.
 * Over https with a client certificate when given {@link EtcdClientTls} (the local cluster's etcd requires one).
 */
public final class EtcdGateway {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern FIRST_VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([A-Za-z0-9+/=]*)\"");
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*\"?(\\d+)\"?");

    private final URI endpoint;
    private final SSLContext tls;

    /** @param endpoint e.g. {@code http://127.0.0.1:2379} */
    public EtcdGateway(String endpoint) {
        this.endpoint = parse(endpoint, "http");
        this.tls = null;
    }

    /** @param endpoint e.g. {@code https://10.70.3.1:20000}; {@code tls} names the CA and the client certificate */
    public EtcdGateway(String endpoint, EtcdClientTls tls) {
        this.endpoint = parse(endpoint, "https");
        this.tls = tls.sslContext();
    }

    private static URI parse(String endpoint, String scheme) {
        URI uri = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
        if (!scheme.equals(uri.getScheme()) || uri.getPort() < 0) {
            throw new IllegalArgumentException("etcd endpoint must look like " + scheme + "://host:port, got " + endpoint);
        }
        return uri;
    }

    public String endpoint() {
        return endpoint.toString();
    }

    /** True when {@code GET /health} answers {@code {"health":"true"}} within the timeout. */
    public boolean isHealthy(Duration timeout) {
        try {
            PlainHttp.Reply r = PlainHttp.get(endpoint.resolve("/health"), timeout, tls);
            return r.status() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        }
    }

    public void put(String key, String value) {
        call("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
    }

    /** Deletes exactly {@code key} (nothing happens when it does not exist). */
    public void delete(String key) {
        call("/v3/kv/deleterange", "{\"key\":\"" + b64(key) + "\"}");
    }

    /** The value stored under exactly {@code key}, if any. */
    public Optional<String> get(String key) {
        Matcher m = FIRST_VALUE.matcher(call("/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}"));
        return m.find() ? Optional.of(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8)) : Optional.empty();
    }

    /** How many keys start with {@code prefix}. */
    public long countPrefix(String prefix) {
        byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
        String body = call("/v3/kv/range", "{\"key\":\"" + b64(start) + "\",\"range_end\":\"" + b64(prefixEnd(start))
                + "\",\"count_only\":true}");
        Matcher m = COUNT.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private String call(String path, String json) {
        try {
            PlainHttp.Reply r = PlainHttp.post(endpoint.resolve(path), json, TIMEOUT, tls);
            if (r.status() != 200) {
                throw new EtcdServerException("etcd " + endpoint + path + " answered HTTP " + r.status() + ": " + r.body().strip());
            }
            return r.body();
        } catch (IOException e) {
            throw new EtcdServerException("etcd " + endpoint + path + " failed: " + e.getMessage(), e);
        }
    }

    /** The smallest key greater than every key with this prefix (etcd's range_end convention). */
    private static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        return new byte[] {0};
    }

    private static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
