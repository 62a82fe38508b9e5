package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.fleetj.testkit.LocalClusterOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * fleet v1.0's own answers, replayed: every request of the recorded catalogue (normal and hostile, in the recorded
 * order, on a 4-machine cluster that starts empty, as it was recorded) is sent to fleetd and each answer compared
 * with fleet's: status, Content-Type, JSON shape, field names and values (machine ids, IPs and the order of
 * collections normalised only). Where fleet's answer was a bug (no answer, a 500, a unit it could no longer read),
 * {@code where-we-differ.json} gives ours and why; README's "Where we differ" lists the same cases. A recorded wait
 * ("the cluster converged") makes the next GET wait until the answer matches, at most {@link #CONVERGENCE}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetV1CatalogueIT {
    static final String DATA = "/conformance/fleet-v1.0/";
    /** How long a recorded wait may take here: units placed and started, states published (fleet: up to 8 s). */
    private static final Duration CONVERGENCE = Duration.ofSeconds(40);
    /** The wait after the cleanup of 136 units: every agent stops and removes its units (fleet took 138 s). */
    private static final Duration CLEANUP = Duration.ofSeconds(150);

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

    static List<JsonNode> lines(String file) {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = FleetV1CatalogueIT.class.getResourceAsStream(DATA + file)) {
            if (in == null) throw new IllegalStateException(DATA + file + " missing from the test resources");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) out.add(FleetAnswers.JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static JsonNode overrides() {
        try (InputStream in = FleetV1CatalogueIT.class.getResourceAsStream(DATA + "where-we-differ.json")) {
            return FleetAnswers.JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyRecordedRequestGetsFleetsAnswer() {
        long t = System.nanoTime();
        JsonNode overrides = overrides().get("catalogue");
        List<String> report = new ArrayList<>();
        List<String> bugs = new ArrayList<>();
        int same = 0;
        int wordingOnly = 0;
        int deliberate = 0;
        boolean waiting = false;
        Duration patience = CONVERGENCE;
        String token = null;
        for (JsonNode row : lines("fleet-v1-api.jsonl")) {
            String id = row.get("id").asText();
            String kind = row.path("kind").asText("request");
            if (kind.equals("wait")) {
                waiting = true;
                continue;
            }
            if (kind.equals("bulk")) {
                bulk(id, row.get("statuses"), bugs);
                waiting = true;
                patience = id.startsWith("cleanup") ? CLEANUP : CONVERGENCE;
                continue;
            }
            JsonNode expected = row;
            JsonNode override = overrides.get(id);
            if (override != null) {
                expected = expectation(row, override);
                deliberate++;
            }
            assertTrue(row.get("status").asInt() != 0 || override != null, id + ": fleet gave no answer; where-we-differ.json must say what we answer");
            if (id.equals("list.units")) removeWhatTheRecorderRemoved(row.get("body"));
            String path = answers.substitute(row.get("path").asText()).replace("{TOKEN}", token == null ? "" : token);
            List<String> headers = new ArrayList<>();
            row.path("req_headers").forEach(h -> headers.add(h.asText()));
            String body = row.get("req_body").isNull() ? null : answers.substitute(row.get("req_body").asText());
            String method = row.get("method").asText();
            RawApi.Answer ours = api.send(method, path, headers, body);
            FleetAnswers.Verdict v = answers.compare(expected, ours);
            if (waiting && method.equals("GET") && !v.bugs().isEmpty()) {
                JsonNode want = expected;
                ours = FleetCluster.lastAnswerWithin(ours, patience, Duration.ofMillis(200), () -> api.send(method, path, headers, body),
                        a -> answers.compare(want, a).bugs().isEmpty());
                v = answers.compare(expected, ours);
            }
            // the recorder read a converged cluster until its next change: every GET after a wait may wait
            if (!method.equals("GET")) {
                waiting = false;
                patience = CONVERGENCE;
            }
            System.out.println((v.bugs().isEmpty() ? (v.wording().isEmpty() ? "same      " : "wording   ") : "DIFFERENT ") + id + " "
                    + ours.status() + (v.bugs().isEmpty() ? "" : " " + String.join("; ", v.bugs())));
            if (ours.status() == 200 && ours.text().contains("nextPageToken")) {
                token = FleetAnswers.tree(ours.text()).path("nextPageToken").asText(null);
            }
            if (v.same()) {
                same++;
            } else if (v.bugs().isEmpty()) {
                wordingOnly++;
                report.add("  wording " + id + ": " + String.join("; ", v.wording()));
            } else {
                bugs.add(id + " (" + method + " " + path + "): " + String.join("; ", v.bugs()));
            }
        }
        System.out.println("fleet v1.0 catalogue: " + same + " same, " + wordingOnly + " worded differently, " + bugs.size()
                + " different (" + deliberate + " rows answered as README's 'Where we differ' says)");
        report.forEach(System.out::println);
        System.out.printf("conformance_catalogue_same=%d%nconformance_catalogue_wording=%d%nconformance_catalogue_different=%d%n",
                same, wordingOnly, bugs.size());
        FleetCluster.figure("conformance_catalogue", t);
        assertEquals(List.of(), bugs, "answers that differ from fleet v1.0's in status, Content-Type or shape");
    }

    /** The recorded row with our deliberate answer: status/content_type/body replaced, body_patch merged, ignore added. */
    static JsonNode expectation(JsonNode row, JsonNode override) {
        ObjectNode e = row.deepCopy();
        for (String f : List.of("status", "content_type", "body", "view", "ignore")) {
            if (override.has(f)) e.set(f, override.get(f));
        }
        if (override.has("body") && !override.has("view")) e.remove("view");
        if (override.has("body_patch") && e.get("body") instanceof ObjectNode b) {
            for (Iterator<Map.Entry<String, JsonNode>> it = override.get("body_patch").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                b.set(f.getKey(), f.getValue());
            }
        }
        return e;
    }

    /**
     * Between the hostile-name cases and {@code list.units} the recorder destroyed, without recording it, the units
     * those cases had created ({@code list.units} shows only the cf-a … cf-t@1 units): do the same.
     */
    private void removeWhatTheRecorderRemoved(JsonNode expectedList) {
        java.util.Set<String> keep = new java.util.HashSet<>();
        expectedList.path("units").forEach(u -> keep.add(u.get("name").asText()));
        for (JsonNode u : FleetAnswers.tree(api.send("GET", "/fleet/v1/units", List.of(), null).text()).path("units")) {
            String name = u.get("name").asText();
            if (!keep.contains(name)) {
                assertEquals(204, api.send("DELETE", "/fleet/v1/units/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)
                        .replace("+", "%20"), List.of(), null).status(), name);
            }
        }
    }

    /** The recorder's bulk steps (their requests were not recorded one by one): the same requests, each status checked. */
    private void bulk(String id, JsonNode statuses, List<String> bugs) {
        List<Integer> got = new ArrayList<>();
        switch (id) {
            case "page.bulk.create" -> {
                for (int i = 0; i < 105; i++) {
                    String name = String.format("cf-p-%03d.service", i);
                    got.add(put(name, "{\"options\":[{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"cf p " + i + "\"},"
                            + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep 3000\"}],\"desiredState\":\"inactive\"}"));
                }
            }
            case "page.bulk.global" -> {
                for (int i = 0; i < 26; i++) {
                    String name = String.format("cf-gp-%02d.service", i);
                    got.add(put(name, "{\"options\":[{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"cf gp " + i + "\"},"
                            + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep 3000\"},"
                            + "{\"section\":\"X-Fleet\",\"name\":\"Global\",\"value\":\"true\"}],\"desiredState\":\"loaded\"}"));
                }
            }
            case "cleanup.bulk.delete" -> {
                List<String> names = new ArrayList<>();
                String token = null;
                do {
                    JsonNode page = FleetAnswers.tree(api.send("GET", "/fleet/v1/units"
                            + (token == null ? "" : "?nextPageToken=" + token), List.of(), null).text());
                    page.path("units").forEach(u -> names.add(u.get("name").asText()));
                    token = page.path("nextPageToken").asText(null);
                } while (token != null);
                for (String n : names) {
                    got.add(api.send("DELETE", "/fleet/v1/units/" + java.net.URLEncoder.encode(n, StandardCharsets.UTF_8), List.of(), null).status());
                }
            }
            default -> throw new IllegalStateException("unknown bulk step " + id);
        }
        Map<String, Integer> counts = new java.util.TreeMap<>();
        got.forEach(s -> counts.merge(String.valueOf(s), 1, Integer::sum));
        Map<String, Integer> want = new java.util.TreeMap<>();
        statuses.fields().forEachRemaining(f -> want.put(f.getKey(), f.getValue().asInt()));
        if (!want.equals(counts)) bugs.add(id + ": statuses " + want + " expected, got " + counts);
    }

    private int put(String name, String body) {
        return api.send("PUT", "/fleet/v1/units/" + name, List.of("Content-Type: application/json"), body).status();
    }
}
