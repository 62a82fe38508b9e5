package org.fleetj.e2e.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.testkit.EtcdClientTls;

/**
 * Reads fleet's keys straight from etcd through its v3 JSON gateway, trying each member in turn: an independent
 * witness of what the registry says, sharing no code with fleetd's jetcd client. Reads are linearizable, so a
 * member without quorum does not answer and the next one is tried. Over https with the cluster's etcd client
 * certificate when the etcd requires one (the local cluster's default).
 */
final class RegistryProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    private final List<URI> endpoints;
    private final String prefix;
    private final HttpClient http;

    /** The registry is unreachable: no member answered a linearizable read. */
    static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message);
        }
    }

    /** What the registry says at one moment (each collection read separately, so not one revision). */
    record View(Map<String, String> machines, Optional<String> engineLeader, Map<String, Map<String, String>> schedule,
                Map<String, Map<String, String>> activeStates, Map<String, String> globals) {
        /** Machine id the engine scheduled the unit to, if any. */
        Optional<String> scheduledOn(String unit) {
            return schedule.getOrDefault(unit, Map.of()).keySet().stream().findFirst();
        }
    }

    RegistryProbe(String commaSeparatedEndpoints, String prefix) {
        this(commaSeparatedEndpoints, prefix, Optional.empty());
    }

    RegistryProbe(String commaSeparatedEndpoints, String prefix, Optional<EtcdClientTls> tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        tls.ifPresent(t -> b.sslContext(t.sslContext()));
        this.http = b.build();
        this.endpoints = java.util.Arrays.stream(commaSeparatedEndpoints.split(",")).map(String::trim).map(URI::create).toList();
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    }

    View view() throws UnreachableException {
        Map<String, String> machines = new LinkedHashMap<>();
        range("machine/").forEach((k, v) -> machines.put(k.substring("machine/".length()), v));
        Optional<String> leader = Optional.ofNullable(range("engine/leader").get("engine/leader"));
        Map<String, Map<String, String>> schedule = new HashMap<>();
        for (Map.Entry<String, String> e : range("schedule/").entrySet()) {
            String[] p = e.getKey().split("/", 3);   // schedule/<machineId>/<unit>
            schedule.computeIfAbsent(p[2], u -> new HashMap<>()).put(p[1], field(e.getValue(), "desiredState"));
        }
        Map<String, Map<String, String>> states = new HashMap<>();
        for (Map.Entry<String, String> e : range("state/").entrySet()) {
            String rest = e.getKey().substring("state/".length());   // state/<unit>/<machineId>
            int slash = rest.lastIndexOf('/');
            states.computeIfAbsent(rest.substring(0, slash), u -> new HashMap<>()).put(rest.substring(slash + 1), field(e.getValue(), "activeState"));
        }
        Map<String, String> globals = new HashMap<>();
        range("global/").forEach((k, v) -> globals.put(k.substring("global/".length()), field(v, "desiredState")));
        return new View(machines, leader, schedule, states, globals);
    }

    /** The engine leader's machine id; empty when there is none or the registry cannot be read. */
    Optional<String> engineLeaderQuietly() {
        try {
            return Optional.ofNullable(range("engine/leader").get("engine/leader"));
        } catch (UnreachableException e) {
            return Optional.empty();
        }
    }

    /** Keys under prefix+sub (relative to prefix) with their values; sub without a trailing '/' is an exact key. */
    Map<String, String> range(String sub) throws UnreachableException {
        byte[] key = (prefix + sub).getBytes(StandardCharsets.UTF_8);
        String body = sub.endsWith("/")
                ? "{\"key\":\"" + b64(key) + "\",\"range_end\":\"" + b64(prefixEnd(key)) + "\"}"
                : "{\"key\":\"" + b64(key) + "\"}";
        StringBuilder failures = new StringBuilder();
        for (URI ep : endpoints) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(ep.resolve("/v3/kv/range")).timeout(TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    failures.append(ep).append(": HTTP ").append(r.statusCode()).append("; ");
                    continue;
                }
                Map<String, String> out = new LinkedHashMap<>();
                JsonNode kvs = JSON.readTree(r.body()).path("kvs");
                for (JsonNode kv : kvs) {
                    String k = decode(kv.path("key").asText());
                    out.put(k.substring(prefix.length()), decode(kv.path("value").asText("")));
                }
                return out;
            } catch (IOException e) {
                failures.append(ep).append(": ").append(e.getClass().getSimpleName()).append("; ");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnreachableException("interrupted");
            }
        }
        throw new UnreachableException("no etcd member answered: " + failures);
    }

    private static String field(String json, String name) {
        try {
            return JSON.readTree(json).path(name).asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

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
}
