package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * fleetd's HTTP API over TCP on a real 3-machine cluster, as fleet's own clients use it: status codes, JSON errors,
 * pagination over more than one page (token_limit 100), /metrics with fleet's metric names and the agent's,
 * the discovery document, and the legacy /v1-alpha mount. Units created through the API really run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiOnClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLEEPER = "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sh -c 'trap \\\"exit 0\\\" TERM; while :; do sleep 1; done'\"}";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private FleetCluster c;
    private Machine m1;
    private String api;   // m1's

    /** One HTTP exchange. */
    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    @BeforeAll
    void boot() {
        long t = System.nanoTime();
        // fleet's plain HTTP, as fleet v1.0's clients speak it (the local cluster's default is TLS with access roles)
        c = FleetCluster.up(3, LocalClusterOptions.defaults().plainApi());
        m1 = c.machine("m1");
        api = m1.apiUrl();
        FleetCluster.figure("api_boot_3_machines", t);
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    private Reply send(String method, String path, String contentType, String body) {
        return send(api, method, path, contentType, body);
    }

    private Reply send(String base, String method, String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Reply get(String path) {
        return send("GET", path, null, null);
    }

    private Reply put(String path, String body) {
        return send("PUT", path, "application/json", body);
    }

    private static String unitBody(String desiredState, String... options) {
        return "{\"desiredState\":\"" + desiredState + "\",\"options\":[" + String.join(",", options) + "]}";
    }

    private static String option(String section, String name, String value) {
        return "{\"section\":\"" + section + "\",\"name\":\"" + name + "\",\"value\":\"" + value + "\"}";
    }

    /** fleet's error entity, exactly: {"error":{"code":N,"message":"..."}} as application/json with status N. */
    private static void assertError(int status, String message, Reply r) {
        assertEquals(status, r.status(), r.toString());
        assertEquals("application/json", r.contentType(), r.toString());
        JsonNode error = r.json();
        assertEquals(Set.of("error"), fieldNames(error), r.body());
        assertEquals(Set.of("code", "message"), fieldNames(error.get("error")), r.body());
        assertEquals(status, error.get("error").get("code").asInt(), r.body());
        assertEquals(message, error.get("error").get("message").asText(), r.body());
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new HashSet<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void statusCodesAndJsonErrors() {
        long t = System.nanoTime();
        String pinned = option("X-Fleet", "MachineID", c.machine("m2").machineId());
        // 201 on create: the unit is placed and really runs; 204 on a change of desired state; 204 on delete
        Reply created = put("/fleet/v1/units/api-made.service", unitBody("launched", option("Unit", "Description", "Made by the API"), SLEEPER, pinned));
        assertEquals(201, created.status(), created.toString());
        assertEquals("", created.body());
        c.await("api-made.service active on m2", () -> c.activeState("m2", "api-made.service").equals("active"));
        JsonNode unit = get("/fleet/v1/units/api-made.service").json();
        assertEquals("launched", unit.get("desiredState").asText());
        assertEquals(c.machine("m2").machineId(), unit.get("machineID").asText());
        assertEquals(Set.of("name", "options", "desiredState", "currentState", "machineID"), fieldNames(unit));
        c.await("currentState launched", () -> get("/fleet/v1/units/api-made.service").json().get("currentState").asText().equals("launched"));
        JsonNode states = get("/fleet/v1/state?unitName=api-made.service&machineID=" + c.machine("m2").machineId()).json().get("states");
        assertEquals(1, states.size(), states.toString());
        assertEquals("active", states.get(0).get("systemdActiveState").asText());
        assertEquals(0, get("/fleet/v1/state?unitName=api-made.service&machineID=" + m1.machineId()).json().path("states").size());

        Reply stop = put("/fleet/v1/units/api-made.service", "{\"desiredState\":\"loaded\"}");
        assertEquals(204, stop.status(), stop.toString());
        assertEquals("", stop.body());
        c.await("api-made.service stopped on m2", () -> c.activeState("m2", "api-made.service").equals("inactive"));
        assertEquals(204, send("DELETE", "/fleet/v1/units/api-made.service", null, null).status());
        c.await("api-made.service gone from m2", () -> c.local().sh("m2", "systemctl", "show", "-p", "LoadState", "--value", "api-made.service")
                .trimmed().equals("not-found"));

        assertError(404, "unit does not exist", get("/fleet/v1/units/api-made.service"));
        assertError(404, "unit does not exist", send("DELETE", "/fleet/v1/units/api-made.service", null, null));
        assertError(405, "the API root is not a resource; see /fleet/v1/discovery", get("/"));
        assertError(404, "resource not found: \"/fleet/v1/nothing\"", get("/fleet/v1/nothing"));
        assertError(409, "unit does not exist and options field empty", put("/fleet/v1/units/none.service", "{\"desiredState\":\"launched\"}"));
        assertError(400, "name in URL \"a.service\" differs from unit name in request body \"b.service\"",
                put("/fleet/v1/units/a.service", "{\"name\":\"b.service\",\"desiredState\":\"inactive\",\"options\":[" + SLEEPER + "]}"));
        assertError(400, "invalid desiredState \"running\": must be one of inactive, loaded, launched",
                put("/fleet/v1/units/a.service", unitBody("running", SLEEPER)));
        assertError(400, "invalid [X-Fleet] requirements: MachineOf has an empty value; give a unit name",
                put("/fleet/v1/units/a.service", unitBody("launched", SLEEPER, option("X-Fleet", "MachineOf", ""))));
        Reply badName = put("/fleet/v1/units/bad%20name.service", unitBody("inactive", SLEEPER));
        assertEquals(400, badName.status(), badName.toString());
        assertTrue(badName.json().get("error").get("message").asText().contains("bad name.service"), badName.body());
        Reply notJson = put("/fleet/v1/units/a.service", "{\"desiredState\":");
        assertEquals(400, notJson.status(), notJson.toString());
        assertEquals(400, notJson.json().get("error").get("code").asInt());
        Reply plain = send("PUT", "/fleet/v1/units/a.service", "text/plain", unitBody("inactive", SLEEPER));
        assertEquals(415, plain.status(), plain.toString());
        assertEquals(415, plain.json().get("error").get("code").asInt());
        // as fleet, PATCH /machines reads its body whatever the Content-Type
        assertEquals(204, send("PATCH", "/fleet/v1/machines", "text/plain", "[]").status());
        assertError(405, "only GET supported against this resource", send("POST", "/fleet/v1/units", "application/json", "{}"));
        assertError(405, "only GET, PUT and DELETE supported against this resource",
                send("POST", "/fleet/v1/units/a.service", "application/json", "{}"));
        assertEquals(405, send("DELETE", "/fleet/v1/machines", null, null).status());
        // fleet's Go clients send '@' percent-encoded (RFC 6570 expansion of {unitName})
        assertEquals(201, put("/fleet/v1/units/api%401.service", unitBody("inactive", SLEEPER)).status());
        assertEquals("api@1.service", get("/fleet/v1/units/api@1.service").json().get("name").asText());
        assertEquals(204, send("DELETE", "/fleet/v1/units/api%401.service", null, null).status());
        // none of the refused requests left anything behind
        assertEquals(404, get("/fleet/v1/units/a.service").status());
        assertEquals(404, get("/fleet/v1/units/none.service").status());

        // machine metadata: JSON Patch, 204; a bad patch 400; list-machines shows the change
        String m3 = c.machine("m3").machineId();
        Reply patch = send("PATCH", "/fleet/v1/machines", "application/json",
                "[{\"op\":\"add\",\"path\":\"/" + m3 + "/metadata/disk\",\"value\":{\"value\":\"ssd\"}}]");
        assertEquals(204, patch.status(), patch.toString());
        c.await("m3's metadata has disk=ssd", () -> c.fleetctl("list-machines", "--no-legend", "--fields", "machine,metadata", "--full").ok()
                .lines().stream().anyMatch(l -> l.startsWith(m3) && l.endsWith("disk=ssd,name=m3")));
        assertEquals(400, send("PATCH", "/fleet/v1/machines", "application/json", "[{\"op\":\"move\",\"path\":\"/x\"}]").status());
        FleetCluster.figure("api_status_codes", t);
    }

    @Test
    void moreThanAPageOfUnitsComesBackExactlyOnceFollowingNextPageToken() throws Exception {
        long t = System.nanoTime();
        int count = 130;
        Set<String> made = new HashSet<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Reply>> puts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = String.format("page-%03d.service", i);
                made.add(name);
                puts.add(pool.submit(() -> put("/fleet/v1/units/" + name, unitBody("inactive", option("Unit", "Description", name), SLEEPER))));
            }
            for (Future<Reply> f : puts) assertEquals(201, f.get().status(), f.get().toString());
        } finally {
            pool.shutdownNow();
        }
        FleetCluster.figure("api_create_130_units", t);

        for (String root : List.of("/fleet/v1", "/v1-alpha")) {
            List<String> seen = new ArrayList<>();
            List<Integer> pageSizes = new ArrayList<>();
            String token = null;
            do {
                Reply page = get(root + "/units" + (token == null ? "" : "?nextPageToken=" + token));
                assertEquals(200, page.status(), page.toString());
                JsonNode units = page.json().get("units");
                pageSizes.add(units.size());
                for (JsonNode u : units) {
                    seen.add(u.get("name").asText());
                    assertEquals("inactive", u.get("desiredState").asText());
                }
                token = page.json().path("nextPageToken").asText(null);
                assertTrue(pageSizes.size() <= 3, "pages end: " + pageSizes);
            } while (token != null && !token.isEmpty());
            List<String> ours = seen.stream().filter(n -> n.startsWith("page-")).toList();
            assertEquals(count, ours.size(), root + ": every unit once: " + pageSizes);
            assertEquals(made, new HashSet<>(ours), root);
            assertEquals(seen.size(), new HashSet<>(seen).size(), root + ": no unit twice");
            assertEquals(100, pageSizes.get(0), root + ": token_limit is 100 per page");
            assertEquals(2, pageSizes.size(), root + ": " + pageSizes);
        }
        assertError(400, "invalid value of nextPageToken query parameter: illegal base64 data at input byte 4", get("/fleet/v1/units?nextPageToken=bogus"));
        assertError(400, "invalid value of nextPageToken query parameter: illegal base64 data at input byte 4", get("/fleet/v1/machines?nextPageToken=bogus"));
        assertError(400, "invalid value of nextPageToken query parameter: illegal base64 data at input byte 4", get("/fleet/v1/state?nextPageToken=bogus"));

        // fleetctl follows the pages too, with either driver
        Map<String, String> apiDriver = Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", api);
        List<String> viaApi = c.fleetctl(apiDriver, "list-unit-files", "--no-legend", "--fields", "unit").ok().lines();
        assertEquals(count, viaApi.stream().filter(n -> n.startsWith("page-")).distinct().count(), viaApi.toString());
        assertEquals(viaApi, c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit").ok().lines());

        for (String name : made) assertEquals(204, send("DELETE", "/fleet/v1/units/" + name, null, null).status());
        FleetCluster.figure("api_pagination_130_units", t);
    }

    @Test
    void metricsHaveFleetsNamesAndTheAgentsOnEveryMachine() {
        long t = System.nanoTime();
        String leaderId = c.engineLeader().orElseThrow();
        for (Machine m : c.machines()) {
            boolean leader = m.machineId().equals(leaderId);
            c.await("an agent reconcile counted on " + m.name(), () -> value(metrics(m), "fleet_agent_reconcile_count_total") > 0);
            if (leader) c.await("an engine reconcile counted on the leader " + m.name(), () -> value(metrics(m), "fleet_engine_reconcile_count_total") > 0);
            Reply r = metricsReply(m);
            assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
            String text = r.body();
            for (String name : List.of("fleet_engine_reconcile_count_total", "fleet_engine_reconcile_duration_second",
                    "fleet_engine_reconcile_failure_count_total", "fleet_engine_task_count_total", "fleet_engine_task_failure_count_total",
                    "fleet_engine_leader_start_time", "fleet_registry_operation_count_total", "fleet_registry_operation_duration_second",
                    "fleet_registry_operation_failed_count_total", "fleet_agent_reconcile_count_total", "fleet_agent_reconcile_duration_second",
                    "fleet_agent_units", "fleet_agent_registry_connected")) {
                assertTrue(text.contains("\n# TYPE " + name + " ") || text.startsWith("# TYPE " + name + " ")
                        || text.contains("\n# HELP " + name + " ") || text.startsWith("# HELP " + name + " "), m.name() + " has " + name);
            }
            assertEquals(1.0, value(text, "fleet_agent_registry_connected"), m.name());
            assertTrue(value(text, "fleet_registry_operation_count_total") > 0, m.name() + ": registry operations counted");
            if (leader) assertTrue(value(text, "fleet_engine_leader_start_time") > 0, "the leader's start time is set");
        }
        assertError(405, "only GET supported against this resource", send("POST", "/metrics", "application/json", "{}"));
        FleetCluster.figure("api_metrics", t);
    }

    private Reply metricsReply(Machine m) {
        Reply r = send(m.apiUrl(), "GET", "/metrics", null, null);
        assertEquals(200, r.status(), r.toString());
        return r;
    }

    private String metrics(Machine m) {
        return metricsReply(m).body();
    }

    /** The sum of a metric's samples (every label set), 0 when it has none. */
    private static double value(String text, String name) {
        double sum = 0;
        for (String l : text.split("\n")) {
            if (l.startsWith(name + " ") || l.startsWith(name + "{")) sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    @Test
    void discoveryAndTheLegacyMount() {
        Reply discovery = get("/fleet/v1/discovery");
        assertEquals(200, discovery.status());
        assertEquals("application/json", discovery.contentType());
        JsonNode doc = discovery.json();
        assertEquals("discovery#restDescription", doc.get("kind").asText());
        assertEquals("fleet:v1", doc.get("id").asText());
        assertEquals("/fleet/v1/", doc.get("basePath").asText());
        assertEquals(Set.of("Machines", "UnitState", "Units"), fieldNames(doc.get("resources")), doc.get("resources").toString());
        assertEquals(discovery.body(), get("/v1-alpha/discovery").body());

        // /v1-alpha serves the same API as /fleet/v1
        for (String collection : List.of("machines", "units", "state")) {
            Reply v1 = get("/fleet/v1/" + collection);
            Reply alpha = get("/v1-alpha/" + collection);
            assertEquals(200, alpha.status(), alpha.toString());
            assertEquals(v1.json(), alpha.json(), collection);
        }
        JsonNode machines = get("/v1-alpha/machines").json().get("machines");
        assertEquals(3, machines.size());
        Set<String> ips = new HashSet<>();
        for (JsonNode m : machines) ips.add(m.get("primaryIP").asText());
        assertEquals(Set.of(m1.ip(), c.machine("m2").ip(), c.machine("m3").ip()), ips);
        assertError(405, "the API root is not a resource; see /fleet/v1/discovery", get("/v1-alpha"));
        assertFalse(get("/v1-alpha/units/none.service").status() == 200);
    }
}
