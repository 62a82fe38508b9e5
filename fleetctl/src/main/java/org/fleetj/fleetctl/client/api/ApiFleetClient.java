package org.fleetj.fleetctl.client.api;

import java.io.IOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.fleetj.api.ApiUnreadableRecord;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitState;
import org.fleetj.fleetctl.client.Endpoint;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.PlacementView;
import org.fleetj.fleetctl.client.UnitLogSource;

/**
 * The API driver: fleet's v1 HTTP API over a unix socket or TCP (optionally TLS), one short
 * connection per request. Deliberately built on {@link HttpExchange} and {@link Json} only, so a
 * fleetctl invocation loads no HTTP or JSON library.
 */
public final class ApiFleetClient implements FleetClient {
    private static final String BASE = "/fleet/v1";
    private static final String ROLLOUTS = "/rollouts";

    private final Endpoint endpoint;
    private final Connector connector;
    private final int timeoutMillis;
    private final TlsFiles tls;
    private final String authorization;
    private SSLSocketFactory sslFactory;

    /**
     * @param timeoutMillis per-request timeout (connect plus exchange), from {@code --request-timeout}
     * @param tls           certificates for https endpoints
     */
    public ApiFleetClient(Endpoint endpoint, Connector connector, int timeoutMillis, TlsFiles tls) {
        this(endpoint, connector, timeoutMillis, tls, "");
    }

    /** @param apiToken bearer token for fleetd's access roles ({@code --api-token}); empty: none */
    public ApiFleetClient(Endpoint endpoint, Connector connector, int timeoutMillis, TlsFiles tls, String apiToken) {
        this.endpoint = endpoint;
        this.connector = connector;
        this.timeoutMillis = Math.max(1, timeoutMillis);
        this.tls = tls;
        this.authorization = apiToken == null || apiToken.isEmpty() ? null : "Bearer " + apiToken;
    }

    @Override
    public Optional<UnitLogSource> unitLogs() {
        return Optional.of(new ApiUnitLogs(this));
    }

    /** Sends a GET whose answer is streamed; the request timeout covers the wait for the response head only. */
    HttpExchange.StreamHead stream(String target, java.util.function.Consumer<Connection> onOpen) {
        Connection connection;
        try {
            connection = open();
        } catch (IOException e) {
            throw new FleetClientException("Get " + endpoint.baseUrl() + target + ": " + e.getMessage(), e);
        }
        onOpen.accept(connection);
        RequestTimer timer = RequestTimer.start(connection, timeoutMillis);
        try {
            return HttpExchange.stream(connection, target, endpoint.hostHeader(), authorization);
        } catch (IOException | RuntimeException e) {
            connection.close();
            if (timer.fired()) {
                throw new FleetClientException("Get " + endpoint.baseUrl() + target + ": request timed out after " + timeoutMillis
                        + " ms (--request-timeout)", e);
            }
            throw new FleetClientException("Get " + endpoint.baseUrl() + target + ": " + e.getMessage(), e);
        } finally {
            timer.close();
        }
    }

    @Override
    public List<ApiMachine> machines() {
        return machines(r -> { });
    }

    @Override
    public List<ApiMachine> machines(Consumer<ApiUnreadableRecord> unreadable) {
        return pages("/machines", "machines", ApiJson::machine, unreadable);
    }

    @Override
    public List<ApiUnit> units() {
        return units(r -> { });
    }

    @Override
    public List<ApiUnit> units(Consumer<ApiUnreadableRecord> unreadable) {
        return pages("/units", "units", ApiJson::unit, unreadable);
    }

    @Override
    public Optional<ApiUnit> unit(String name) {
        HttpResponse response = request("GET", unitPath(name), null);
        if (isFleetNotFound(response)) return Optional.empty();
        expect(response, "GET", unitPath(name), 200);
        try {
            return Optional.of(ApiJson.unit(parse(response, "GET", unitPath(name))));
        } catch (JsonException e) {
            throw new FleetClientException(goMethod("GET") + " " + url(unitPath(name)) + ": unexpected response: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<org.fleetj.api.ApiUnitFailures> unitFailures(String name) {
        return beyondFleet("/failures/", name, ApiJson::unitFailures);
    }

    @Override
    public Map<String, org.fleetj.api.ApiJobResult> jobResults() {
        String path = "/jobs";
        HttpResponse response = request("GET", path, null);
        expect(response, "GET", path, 200);
        try {
            Map<String, org.fleetj.api.ApiJobResult> out = new java.util.TreeMap<>();
            Object jobs = ApiJson.object(parse(response, "GET", path), "job results").get("jobs");
            if (jobs != null) {
                for (Object o : ApiJson.list(jobs, "jobs")) {
                    org.fleetj.api.ApiJobResult r = ApiJson.jobResult(o);
                    out.put(r.name(), r);
                }
            }
            return out;
        } catch (JsonException e) {
            throw new FleetClientException(goMethod("GET") + " " + url(path) + ": unexpected response: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<org.fleetj.api.ApiJobResult> jobResult(String name) {
        return beyondFleet("/jobs/", name, ApiJson::jobResult);
    }

    /** One item of a collection beyond fleet's ({@code /failures/<name>}, {@code /jobs/<name>}); empty on fleet's 404. */
    private <T> Optional<T> beyondFleet(String collection, String name, Function<Object, T> read) {
        String path = collection + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse response = request("GET", path, null);
        if (isFleetNotFound(response)) return Optional.empty();
        expect(response, "GET", path, 200);
        try {
            return Optional.of(read.apply(parse(response, "GET", path)));
        } catch (JsonException e) {
            throw new FleetClientException(goMethod("GET") + " " + url(path) + ": unexpected response: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ApiUnitState> unitStates() {
        return unitStates(r -> { });
    }

    @Override
    public List<ApiUnitState> unitStates(Consumer<ApiUnreadableRecord> unreadable) {
        return pages("/state", "states", ApiJson::unitState, unreadable);
    }

    @Override
    public void createUnit(ApiUnit unit) {
        put(unit);
    }

    @Override
    public void replaceUnit(ApiUnit unit) {
        put(unit);
    }

    private void put(ApiUnit unit) {
        Map<String, Object> body = ApiJson.toJson(new ApiUnit(unit.name(), unit.options(), unit.desiredState(), null, null));
        HttpResponse response = request("PUT", unitPath(unit.name()), Json.write(body).getBytes(StandardCharsets.UTF_8));
        expect(response, "PUT", unitPath(unit.name()), 201, 204);
    }

    @Override
    public void setUnitTargetState(String name, String desiredState) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("desiredState", desiredState);
        body.put("name", name);
        HttpResponse response = request("PUT", unitPath(name), Json.write(body).getBytes(StandardCharsets.UTF_8));
        expect(response, "PUT", unitPath(name), 201, 204);
    }

    @Override
    public boolean destroyUnit(String name) {
        HttpResponse response = request("DELETE", unitPath(name), null);
        if (isFleetNotFound(response)) return false;
        expect(response, "DELETE", unitPath(name), 200, 204);
        return true;
    }

    @Override
    public PlacementView placement() {
        HttpResponse response = request("GET", "/placement", null);
        expect(response, "GET", "/placement", 200);
        try {
            Map<String, Object> body = ApiJson.object(parse(response, "GET", "/placement"), "placement");
            Map<String, PlacementView.Machine> machines = new java.util.HashMap<>();
            for (Object item : ApiJson.list(body.getOrDefault("machines", List.of()), "machines")) {
                Map<String, Object> m = ApiJson.object(item, "machine");
                machines.put(String.valueOf(m.get("id")), new PlacementView.Machine(number(m.get("cpuMillis")),
                        number(m.get("memoryBytes")), String.valueOf(m.get("availability"))));
            }
            Map<String, String> waiting = new java.util.HashMap<>();
            ApiJson.object(body.getOrDefault("waiting", Map.of()), "waiting").forEach((k, v) -> waiting.put(k, String.valueOf(v)));
            return new PlacementView(machines, waiting);
        } catch (JsonException e) {
            throw new FleetClientException("GET " + url("/placement") + ": unexpected response: " + e.getMessage(), e);
        }
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public void setMachineAvailability(String machineId, String availability) {
        String path = "/placement/machines/" + URLEncoder.encode(machineId, StandardCharsets.UTF_8);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("availability", availability);
        HttpResponse response = request("PUT", path, Json.write(body).getBytes(StandardCharsets.UTF_8));
        expect(response, "PUT", path, 204);
    }

    @Override
    public List<org.fleetj.api.ApiRollout> rollouts() {
        HttpResponse response = request("GET", ROLLOUTS, null);
        expect(response, "GET", ROLLOUTS, 200);
        try {
            List<org.fleetj.api.ApiRollout> out = new ArrayList<>();
            Object list = ApiJson.object(parse(response, "GET", ROLLOUTS), "rollouts").getOrDefault("rollouts", List.of());
            for (Object o : ApiJson.list(list, "rollouts")) out.add(ApiJson.rollout(o));
            return out;
        } catch (JsonException e) {
            throw new FleetClientException("GET " + url(ROLLOUTS) + ": unexpected response: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<org.fleetj.api.ApiRollout> rollout(String unit) {
        String path = rolloutPath(unit);
        HttpResponse response = request("GET", path, null);
        if (isFleetNotFound(response)) return Optional.empty();
        expect(response, "GET", path, 200);
        try {
            return Optional.of(ApiJson.rollout(parse(response, "GET", path)));
        } catch (JsonException e) {
            throw new FleetClientException("GET " + url(path) + ": unexpected response: " + e.getMessage(), e);
        }
    }

    @Override
    public org.fleetj.api.ApiRollout startRollout(String unit, org.fleetj.api.ApiRolloutRequest request) {
        String path = rolloutPath(unit);
        HttpResponse response = request("PUT", path, Json.write(ApiJson.toJson(request)).getBytes(StandardCharsets.UTF_8));
        expectOrExplain(response, "PUT", path, 201);
        try {
            return ApiJson.rollout(parse(response, "PUT", path));
        } catch (JsonException e) {
            throw new FleetClientException("PUT " + url(path) + ": unexpected response: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean steerRollout(String unit, String control) {
        String path = rolloutPath(unit) + "/control";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("control", control);
        HttpResponse response = request("PUT", path, Json.write(body).getBytes(StandardCharsets.UTF_8));
        if (isFleetNotFound(response)) return false;
        expectOrExplain(response, "PUT", path, 204);
        return true;
    }

    private static String rolloutPath(String unit) {
        return ROLLOUTS + "/" + URLEncoder.encode(unit, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A refusal of ours (400, 409) is the user's to read as it is, not an HTTP failure. */
    private void expectOrExplain(HttpResponse response, String method, String path, int ok) {
        String message = ApiJson.errorMessage(response.bodyText());
        if ((response.status() == 400 || response.status() == 409) && message != null) throw new FleetClientException(message);
        expect(response, method, path, ok);
    }

    @Override
    public void close() {
        // connections are per request; nothing stays open
    }

    /**
     * fleet's "no such unit": a 404 carrying fleet's JSON error. A bare 404 comes from something that is
     * not fleet's API (a wrong port, a proxy) and is reported as such instead of as a missing unit.
     */
    private static boolean isFleetNotFound(HttpResponse response) {
        return response.status() == 404 && ApiJson.errorMessage(response.bodyText()) != null;
    }

    private <T> List<T> pages(String path, String field, Function<Object, T> mapper, Consumer<ApiUnreadableRecord> unreadable) {
        List<T> all = new ArrayList<>();
        String token = null;
        do {
            String target = token == null ? path : path + "?nextPageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            HttpResponse response = request("GET", target, null);
            expect(response, "GET", target, 200);
            Object next;
            try {
                Map<String, Object> page = ApiJson.object(parse(response, "GET", target), "page");
                Object items = page.get(field);
                if (items != null) {
                    for (Object item : ApiJson.list(items, field)) all.add(mapper.apply(item));
                }
                Object broken = page.get("unreadable"); // beyond fleet: records the server could not read
                if (broken != null) {
                    for (Object item : ApiJson.list(broken, "unreadable")) unreadable.accept(ApiJson.unreadable(item));
                }
                next = page.get("nextPageToken");
            } catch (JsonException e) {
                throw new FleetClientException(goMethod("GET") + " " + url(target) + ": unexpected response: " + e.getMessage(), e);
            }
            token = next instanceof String s && !s.isEmpty() ? s : null;
        } while (token != null);
        return all;
    }

    private static String unitPath(String name) {
        return "/units/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String url(String path) {
        return endpoint.baseUrl() + full(path);
    }

    /** Paths below fleet's API root, except our rollouts (beyond fleet), which live outside it. */
    private static String full(String path) {
        return path.startsWith(ROLLOUTS) ? path : BASE + path;
    }

    private HttpResponse request(String method, String path, byte[] body) {
        Connection connection;
        try {
            connection = open();
        } catch (IOException e) {
            throw new FleetClientException(goMethod(method) + " " + url(path) + ": " + e.getMessage(), e);
        }
        try (RequestTimer timer = RequestTimer.start(connection, timeoutMillis)) {
            try {
                return HttpExchange.execute(connection, method, full(path), endpoint.hostHeader(), body,
                        body == null ? null : "application/json", authorization);
            } catch (IOException | RuntimeException e) {
                if (timer.fired()) {
                    throw new FleetClientException(goMethod(method) + " " + url(path) + ": request timed out after "
                            + timeoutMillis + " ms (--request-timeout)", e);
                }
                throw new FleetClientException(goMethod(method) + " " + url(path) + ": " + e.getMessage(), e);
            }
        } finally {
            connection.close();
        }
    }

    private Connection open() throws IOException {
        Connection connection = connector.connect(endpoint, timeoutMillis);
        if (!endpoint.isTls()) return connection;
        Socket socket = connection.socket();
        if (socket == null) {
            connection.close();
            throw new IOException("https needs a TCP connection to layer TLS on, and this connector gives none");
        }
        SSLSocket ssl = (SSLSocket) sslFactory().createSocket(socket, endpoint.host(), endpoint.port(), true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(timeoutMillis);
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            ssl.close();
            throw new IOException("TLS handshake with " + endpoint.hostPort() + " failed: " + e.getMessage(), e);
        }
        return new DirectConnector.SocketConnection(ssl);
    }

    /** Made once; commands send some writes from several threads at once ({@code ConcurrentRequests}). */
    private synchronized SSLSocketFactory sslFactory() {
        if (sslFactory == null) sslFactory = tls.socketFactory();
        return sslFactory;
    }

    private void expect(HttpResponse response, String method, String path, int... ok) {
        for (int status : ok) {
            if (response.status() == status) return;
        }
        String message = ApiJson.errorMessage(response.bodyText());
        if (message == null) {
            throw new FleetClientException(goMethod(method) + " " + url(path) + ": unexpected response "
                    + response.status() + " " + response.reason());
        }
        // as fleet's generated API client words it
        throw new FleetClientException("googleapi: Error " + response.status() + ": " + message);
    }

    private Object parse(HttpResponse response, String method, String path) {
        try {
            return Json.parse(response.bodyText());
        } catch (JsonException e) {
            throw new FleetClientException(goMethod(method) + " " + url(path) + ": " + e.getMessage(), e);
        }
    }

    /** Go's net/http spells methods like this in its errors ("Get http://..."), which fleet prints. */
    private static String goMethod(String method) {
        return method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
