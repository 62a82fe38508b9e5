package org.fleetj.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.fleetj.testkit.Machine;

/**
 * Compares fleetd's answers with fleet v1.0's recorded ones, normalising only what differs between two clusters:
 * machine ids and IPs (both named M1…M4 / IP1…IP4 by IP order, as the recording did) and the order of the
 * entities in a collection. Status, Content-Type, JSON field names and values, unit hashes must be equal; an error
 * message worded differently (same status, same error entity) is reported as wording only.
 */
final class FleetAnswers {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COLLECTIONS = Set.of("units", "states", "machines");

    private final Map<String, String> names; // our machine id or IP -> M1 / IP1

    FleetAnswers(List<Machine> machines) {
        List<Machine> byIp = new ArrayList<>(machines);
        byIp.sort(Comparator.comparing(m -> ipKey(m.ip())));
        Map<String, String> n = new java.util.LinkedHashMap<>();
        for (int i = 0; i < byIp.size(); i++) {
            n.put(byIp.get(i).machineId(), "M" + (i + 1));
            n.put(byIp.get(i).ip(), "IP" + (i + 1));
        }
        this.names = n;
    }

    /** The machine with fleet's name {@code M<n>} in this cluster. */
    String machineId(int n) {
        return names.entrySet().stream().filter(e -> e.getValue().equals("M" + n)).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** Puts this cluster's machine ids in the recorded text ({@code {M1}} full, {@code {M1s}} 8 characters). */
    String substitute(String text) {
        if (text == null) return null;
        for (int i = 1; i <= 4; i++) {
            String id = machineId(i);
            text = text.replace("{M" + i + "s}", id.substring(0, 8)).replace("{M" + i + "}", id);
        }
        return text;
    }

    /** Our text with machine ids and IPs replaced by fleet's recorded names. */
    String normalise(String text) {
        for (Map.Entry<String, String> e : names.entrySet()) text = text.replace(e.getKey(), e.getValue());
        return text;
    }

    /** What differs: "status …"/"shape …" lines are compatibility bugs, "wording …" lines are not. */
    record Verdict(List<String> bugs, List<String> wording) {
        boolean same() {
            return bugs.isEmpty() && wording.isEmpty();
        }
    }

    /**
     * Compares an answer with an expectation in the recording's form: {@code status}, {@code content_type},
     * {@code body} (JSON, a string, or null = not compared) and/or {@code view}; {@code ignore} lists top-level fields
     * left out of both sides.
     */
    Verdict compare(JsonNode expected, RawApi.Answer ours) {
        List<String> bugs = new ArrayList<>();
        List<String> wording = new ArrayList<>();
        int status = expected.path("status").asInt();
        if (status != ours.status()) bugs.add("status " + status + " expected, got " + ours.status() + " " + clip(ours.text()));
        String ct = expected.path("content_type").isNull() || expected.path("content_type").isMissingNode()
                ? null : expected.get("content_type").asText();
        if (status == ours.status() && !java.util.Objects.equals(ct, ours.contentType())) {
            bugs.add("Content-Type " + ct + " expected, got " + ours.contentType());
        }
        if (!bugs.isEmpty()) return new Verdict(bugs, wording);
        Set<String> ignore = new TreeSet<>();
        expected.path("ignore").forEach(f -> ignore.add(f.asText()));
        JsonNode body = expected.get("body");
        JsonNode view = expected.get("view");
        if (body != null && body.isTextual()) {
            if (!body.asText().equals(ours.text())) bugs.add("body " + clip(body.asText()) + " expected, got " + clip(ours.text()));
        } else if (body != null && body.isContainerNode()) {
            JsonNode mine = parse(ours, bugs);
            if (mine != null) compareJson(body, mine, ignore, bugs, wording);
        } else if (view != null && !view.isNull()) {
            JsonNode mine = parse(ours, bugs);
            if (mine != null) compareView(view, mine, bugs);
        }
        return new Verdict(bugs, wording);
    }

    private JsonNode parse(RawApi.Answer ours, List<String> bugs) {
        try {
            return JSON.readTree(normalise(ours.text()));
        } catch (IOException e) {
            bugs.add("shape: not JSON: " + clip(ours.text()));
            return null;
        }
    }

    private static void compareJson(JsonNode expected, JsonNode mine, Set<String> ignore, List<String> bugs, List<String> wording) {
        if (expected.has("error") && expected.size() == 1) {
            JsonNode e = expected.get("error");
            JsonNode m = mine.path("error");
            if (mine.size() != 1 || !m.isObject() || !fieldNames(m).equals(fieldNames(e)) || m.path("code").asInt() != e.path("code").asInt()) {
                bugs.add("shape: error entity " + e + " expected, got " + clip(mine.toString()));
            } else if (!m.path("message").asText().equals(e.path("message").asText())) {
                wording.add("wording: " + e.path("message") + " vs ours " + m.path("message"));
            }
            return;
        }
        JsonNode a = canonical(expected, ignore);
        JsonNode b = canonical(mine, ignore);
        if (!a.equals(b)) bugs.add("shape/values: expected " + clip(a.toString()) + "\n      got      " + clip(b.toString()));
    }

    private static void compareView(JsonNode view, JsonNode mine, List<String> bugs) {
        if (view.has("keys")) {
            Set<String> want = new TreeSet<>();
            view.get("keys").forEach(k -> want.add(k.asText()));
            if (!want.equals(fieldNames(mine))) bugs.add("shape: keys " + want + " expected, got " + fieldNames(mine));
            if (view.has("resources")) {
                Set<String> res = new TreeSet<>();
                view.get("resources").forEach(k -> res.add(k.asText()));
                if (!res.equals(fieldNames(mine.path("resources")))) bugs.add("shape: resources " + res + " expected, got " + fieldNames(mine.path("resources")));
            }
            return;
        }
        if (view.has("count")) {
            List<String> want = new ArrayList<>();
            view.get("names").forEach(n -> want.add(n.asText()));
            List<String> got = new ArrayList<>();
            JsonNode list = mine.has("units") ? mine.get("units") : mine.path("states");
            list.forEach(u -> got.add(u.path("name").asText()));
            if (view.get("count").asInt() != got.size()) bugs.add("count " + view.get("count") + " expected, got " + got.size());
            List<String> ws = new ArrayList<>(want);
            List<String> gs = new ArrayList<>(got);
            ws.sort(null);
            gs.sort(null);
            if (ws.size() == view.get("count").asInt() && !ws.equals(gs)) bugs.add("names " + clip(ws.toString()) + " expected, got " + clip(gs.toString()));
        }
        if (view.has("machines")) {
            JsonNode want = canonical(JSON.createObjectNode().set("machines", view.get("machines")), Set.of());
            JsonNode got = canonical(JSON.createObjectNode().set("machines", mine.path("machines")), Set.of());
            if (!want.equals(got)) bugs.add("machines " + want + " expected, got " + got);
        }
        if (view.has("nextPageToken")) {
            JsonNode t = view.get("nextPageToken");
            boolean present = mine.hasNonNull("nextPageToken");
            if (t.isNull() && present) bugs.add("no nextPageToken expected, got " + mine.get("nextPageToken"));
            if (!t.isNull() && !present) bugs.add("a nextPageToken expected, got none");
        }
    }

    /** Top-level collections sorted, ignored fields removed (at the top and in each collection entry). */
    static JsonNode canonical(JsonNode node, Set<String> ignore) {
        JsonNode copy = node.deepCopy();
        if (copy instanceof ObjectNode o) {
            ignore.forEach(o::remove);
            for (String c : COLLECTIONS) {
                if (o.get(c) instanceof ArrayNode arr) {
                    List<JsonNode> items = new ArrayList<>();
                    arr.forEach(i -> {
                        if (i instanceof ObjectNode io) ignore.forEach(io::remove);
                        items.add(i);
                    });
                    items.sort(Comparator.comparing(JsonNode::toString));
                    ArrayNode sorted = JSON.createArrayNode();
                    items.forEach(sorted::add);
                    o.set(c, sorted);
                }
            }
        }
        return copy;
    }

    static JsonNode tree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + clip(text), e);
        }
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }

    static String clip(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }

    private static String ipKey(String ip) {
        StringBuilder sb = new StringBuilder();
        for (String p : ip.split("\\.")) sb.append(String.format("%03d", Integer.parseInt(p)));
        return sb.toString();
    }
}
