package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fleetj.api.ApiUnitOption;
import org.fleetj.api.ApiUnits;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * fleetd as the original fleetctl (fleet v1.0, Go) sees it, over plain HTTP: (1) the exact request sequence the
 * original fleetctl sent for each command (recorded through a proxy against fleet v1.0: submit, load, blocking
 * start, stop, unload, destroy, the lists, cat, template instances from a local {@code foo@.service}, missing units),
 * each answer checked against fleet's; (2) the seed walkthrough (submit, start, list-units, list-unit-files,
 * journal, stop, unload, destroy, four {@code helloworld@} instances kept apart by Conflicts) driven the way the
 * original fleetctl drives it: a unit is created with options and no desiredState, then its desired state set, then
 * polled, and {@code GET /state/<name>} read before the command returns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginalFleetctlIT {
    /** How long a poll of the original fleetctl may take here before its recorded final answer must be seen. */
    private static final Duration POLL_PATIENCE = Duration.ofSeconds(60);

    private FleetCluster c;
    private RawApi api;
    private FleetAnswers answers;

    @BeforeAll
    void boot() {
        c = FleetCluster.up(4, LocalClusterOptions.defaults());
        api = new RawApi(c.machine("m1").apiUrl());
        answers = new FleetAnswers(c.machines());
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    @Test
    void theOriginalFleetctlsRecordedRequestsGetFleetsAnswers() {
        long t = System.nanoTime();
        List<String> bugs = new ArrayList<>();
        int requests = 0;
        for (JsonNode command : FleetV1CatalogueIT.lines("fleetctl-requests.jsonl")) {
            if (!command.has("requests")) continue; // a "settle" entry: the next poll waits
            String label = command.get("label").asText();
            List<JsonNode> sent = new ArrayList<>();
            command.get("requests").forEach(sent::add);
            for (int i = 0; i < sent.size(); i++) {
                JsonNode r = sent.get(i);
                String method = r.get("method").asText();
                String path = answers.substitute(r.get("path").asText());
                boolean lastOfPoll = lastOfPoll(sent, i);
                List<String> headers = r.get("req_ct").isNull() ? List.of() : List.of("Content-Type: " + r.get("req_ct").asText());
                String body = r.get("req_body").isTextual() && r.get("req_body").asText().isEmpty() ? null
                        : answers.substitute(r.get("req_body").toString());
                ObjectNode expected = FleetAnswers.JSON.createObjectNode();
                expected.put("status", r.get("status").asInt());
                expected.set("content_type", r.get("resp_ct"));
                expected.set("body", r.get("resp_body"));
                int times = method.equals("GET") ? 1 : Math.max(1, r.path("repeat").asInt(1));
                for (int k = 0; k < times; k++) {
                    requests++;
                    RawApi.Answer ours = api.send(method, path, headers, body);
                    FleetAnswers.Verdict v = answers.compare(expected, ours);
                    if (method.equals("GET") && lastOfPoll) {
                        if (!v.bugs().isEmpty()) {
                            // the end of fleetctl's poll: our answer must become fleet's within the patience
                            ours = FleetCluster.lastAnswerWithin(ours, POLL_PATIENCE, Duration.ofMillis(200), () -> api.send(method, path, headers, body),
                                    a -> answers.compare(expected, a).bugs().isEmpty());
                            v = answers.compare(expected, ours);
                        }
                    } else if (method.equals("GET")) {
                        // a step of a poll: fleet's intermediate answer depends on timing, only its status is fleet's
                        v = ours.status() == r.get("status").asInt() ? new FleetAnswers.Verdict(List.of(), List.of()) : v;
                    }
                    if (!v.bugs().isEmpty()) bugs.add(label + ": " + method + " " + path + ": " + String.join("; ", v.bugs()));
                    System.out.println((v.bugs().isEmpty() ? "same      " : "DIFFERENT ") + label + " " + method + " " + path + " "
                            + ours.status() + (v.bugs().isEmpty() ? "" : " " + String.join("; ", v.bugs())));
                }
            }
        }
        System.out.printf("conformance_fleetctl_requests=%d%nconformance_fleetctl_different=%d%n", requests, bugs.size());
        FleetCluster.figure("conformance_fleetctl_sequences", t);
        assertEquals(List.of(), bugs, "answers to the original fleetctl's requests that differ from fleet v1.0's");
    }

    /**
     * Whether request {@code i} is the last read of its poll: no later GET of the same path before the command's next
     * change (fleetctl polls several units in turn, e.g. the two instances of a template).
     */
    private static boolean lastOfPoll(List<JsonNode> sent, int i) {
        for (int j = i + 1; j < sent.size() && sent.get(j).get("method").asText().equals("GET"); j++) {
            if (sameRequest(sent.get(i), sent.get(j))) return false;
        }
        return true;
    }

    private static boolean sameRequest(JsonNode a, JsonNode b) {
        return a.get("method").asText().equals(b.get("method").asText()) && a.get("path").asText().equals(b.get("path").asText());
    }

    // ---- the seed walkthrough, as the original fleetctl drives it ------------------------------------------------

    @Test
    void theWalkthroughDrivenAsTheOriginalFleetctlDoes() throws Exception {
        long t = System.nanoTime();
        String hello = "helloworld.service";
        List<ApiUnitOption> options = localUnit("helloworld.service");
        // submit: GET (404), PUT with options and no desiredState (201: created inactive), GET
        assertEquals(404, get("/fleet/v1/units/" + hello).status());
        assertEquals(201, put(hello, unitBody(hello, options)).status());
        JsonNode unit = json(get("/fleet/v1/units/" + hello));
        assertEquals("inactive", unit.get("desiredState").asText());
        assertEquals("inactive", unit.get("currentState").asText());
        // start: PUT desiredState launched (204), poll the unit until launched, read machines and the unit's state
        assertEquals(204, put(hello, "{\"desiredState\":\"launched\",\"name\":\"" + hello + "\"}").status());
        c.await("helloworld launched", () -> "launched".equals(json(get("/fleet/v1/units/" + hello)).path("currentState").asText()));
        String machineId = json(get("/fleet/v1/units/" + hello)).get("machineID").asText();
        String machine = c.nameOf(machineId).orElseThrow();
        assertTrue(json(get("/fleet/v1/machines")).get("machines").size() == 4);
        c.await("GET /state/helloworld.service says active/running", () -> {
            RawApi.Answer s = get("/fleet/v1/state/" + hello);
            return s.status() == 200 && json(s).path("systemdActiveState").asText().equals("active")
                    && json(s).path("systemdSubState").asText().equals("running") && json(s).path("machineID").asText().equals(machineId);
        });
        assertEquals("active", c.activeState(machine, hello));
        // list-units and list-unit-files
        assertTrue(containsEntry(json(get("/fleet/v1/state")).path("states"), hello, machineId), "list-units shows the unit");
        JsonNode files = json(get("/fleet/v1/units")).path("units");
        assertTrue(containsEntry(files, hello, machineId), "list-unit-files shows the unit on its machine");
        // journal: the original fleetctl reads the unit's machine from the API, then runs journalctl there over SSH
        c.await("Hello World in the journal on " + machine, () -> c.local().sh(machine, "journalctl", "--no-pager", "-u", hello, "-n", "20")
                .stdout().contains("Hello World"));
        // stop: PUT loaded, poll until loaded
        assertEquals(204, put(hello, "{\"desiredState\":\"loaded\",\"name\":\"" + hello + "\"}").status());
        c.await("helloworld loaded", () -> "loaded".equals(json(get("/fleet/v1/units/" + hello)).path("currentState").asText()));
        c.await("helloworld stopped on " + machine, () -> c.activeState(machine, hello).equals("inactive"));
        // unload: PUT inactive, poll until inactive
        assertEquals(204, put(hello, "{\"desiredState\":\"inactive\",\"name\":\"" + hello + "\"}").status());
        c.await("helloworld unloaded", () -> {
            JsonNode u = json(get("/fleet/v1/units/" + hello));
            return "inactive".equals(u.path("currentState").asText()) && !u.has("machineID");
        });
        // destroy
        assertEquals(204, api.send("DELETE", "/fleet/v1/units/" + hello, List.of(), null).status());
        assertEquals(404, get("/fleet/v1/units/" + hello).status());

        // four instances of a local helloworld@.service, as the original fleetctl creates them (percent-encoded '@')
        List<ApiUnitOption> template = localUnit("helloworld@.service");
        List<String> instances = List.of("helloworld@1.service", "helloworld@2.service", "helloworld@3.service", "helloworld@4.service");
        for (String i : instances) {
            assertEquals(404, get("/fleet/v1/units/" + encode(i)).status());
            assertEquals(404, get("/fleet/v1/units/helloworld%40.service").status());
            assertEquals(201, put(encode(i), unitBody(i, template)).status());
        }
        for (String i : instances) assertEquals(204, put(encode(i), "{\"desiredState\":\"launched\",\"name\":\"" + i + "\"}").status());
        c.await("four instances launched", () -> instances.stream()
                .allMatch(i -> "launched".equals(json(get("/fleet/v1/units/" + encode(i))).path("currentState").asText())));
        Set<String> machines = new HashSet<>();
        for (String i : instances) {
            machines.add(json(get("/fleet/v1/units/" + encode(i))).get("machineID").asText());
            assertEquals(200, get("/fleet/v1/state/" + encode(i)).status());
        }
        assertEquals(4, machines.size(), "Conflicts=helloworld@*.service keeps each instance on its own machine");
        for (String i : instances) {
            String on = c.nameOf(json(get("/fleet/v1/units/" + encode(i))).get("machineID").asText()).orElseThrow();
            c.await(i + " active on " + on, () -> c.activeState(on, i).equals("active"));
        }
        for (String i : instances) assertEquals(204, api.send("DELETE", "/fleet/v1/units/" + encode(i), List.of(), null).status());
        c.await("instances gone from every machine", () -> instances.stream().allMatch(i -> c.runningOn(i).isEmpty()));
        FleetCluster.figure("walkthrough_original_fleetctl_http", t);
    }

    private static List<ApiUnitOption> localUnit(String file) throws Exception {
        return ApiUnits.toOptions(UnitFile.parse(Files.readString(FleetctlProcess.repoRoot().resolve("examples").resolve(file))));
    }

    /** The body the original fleetctl sends to create a unit: name and options, no desiredState. */
    private static String unitBody(String name, List<ApiUnitOption> options) {
        ObjectNode b = FleetAnswers.JSON.createObjectNode();
        b.put("name", name);
        var arr = b.putArray("options");
        for (ApiUnitOption o : options) arr.addObject().put("name", o.name()).put("section", o.section()).put("value", o.value());
        return b.toString();
    }

    private static boolean containsEntry(JsonNode list, String name, String machineId) {
        for (JsonNode e : list) {
            if (e.path("name").asText().equals(name) && e.path("machineID").asText().equals(machineId)) return true;
        }
        return false;
    }

    private static String encode(String name) {
        return name.replace("@", "%40");
    }

    private RawApi.Answer get(String path) {
        return api.send("GET", path + (path.contains("?") ? "&" : "?") + "alt=json", List.of(), null);
    }

    private RawApi.Answer put(String encodedName, String body) {
        return api.send("PUT", "/fleet/v1/units/" + encodedName + "?alt=json", List.of("Content-Type: application/json"), body);
    }

    private static JsonNode json(RawApi.Answer a) {
        return FleetAnswers.tree(a.text());
    }
}
