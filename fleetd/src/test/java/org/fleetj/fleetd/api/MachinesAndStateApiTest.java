package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fleetj.registry.MachinePresence;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/** {@code /machines} (list, JSON Patch of metadata) and {@code /state} (filters, pages), as fleet serves them. */
class MachinesAndStateApiTest extends ApiServerTest {
    private static final String M1 = "3d1219c7c4c5404aaa1f6d2a48adfda4";
    private static final String M2 = "91060182aaaabbbbccccddddeeeeffff";

    MachinesAndStateApiTest() {
        super(b -> b.tokenLimit(100));
    }

    private static JsonNode json(RawHttp.Response r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static void assertError(RawHttp.Response r, int status, String messagePart) throws Exception {
        assertEquals(status, r.status(), new String(r.body()));
        assertEquals("application/json", r.headers().get("content-type"));
        JsonNode e = json(r).get("error");
        assertEquals(status, e.get("code").asInt());
        assertTrue(e.get("message").asText().contains(messagePart), e.get("message").asText());
    }

    @Test
    void machinesLookLikeFleetsCapturedJson() throws Exception {
        api.join(M1, "127.0.0.1", Map.of("region", "local", "role", "peer"));
        RawHttp.Response r = http.get("/fleet/v1/machines");
        assertEquals(200, r.status());
        assertEquals("{\"machines\":[{\"id\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"metadata\":{\"region\":\"local\",\"role\":\"peer\"},"
                + "\"primaryIP\":\"127.0.0.1\"}]}", new String(r.body()));
    }

    @Test
    void patchAddsReplacesAndRemovesMetadata() throws Exception {
        api.join(M1, "10.0.0.1", Map.of("role", "web"));
        RawHttp.Response add = http.patch("/fleet/v1/machines",
                "[{\"op\":\"add\",\"path\":\"/" + M1 + "/metadata/disk\",\"value\":{\"value\":\"ssd\"}},"
                        + "{\"op\":\"replace\",\"path\":\"/" + M1 + "/metadata/role\",\"value\":{\"value\":\"db\"}}]");
        assertEquals(204, add.status(), new String(add.body()));
        JsonNode m = json(http.get("/fleet/v1/machines")).get("machines").get(0).get("metadata");
        assertEquals("ssd", m.get("disk").asText());
        assertEquals("db", m.get("role").asText());

        assertEquals(204, http.patch("/fleet/v1/machines", "[{\"op\":\"remove\",\"path\":\"/" + M1 + "/metadata/disk\"}]").status());
        m = json(http.get("/fleet/v1/machines")).get("machines").get(0).get("metadata");
        assertTrue(m.get("disk") == null, m.toString());
        assertEquals("db", m.get("role").asText());
    }

    @Test
    void badPatchesAre400AndChangeNothing() throws Exception {
        api.join(M1, "10.0.0.1", Map.of("role", "web"));
        // fleet v1.0's format: an array of {"op", "path", "value": {"value": ...}}
        assertError(http.patch("/fleet/v1/machines", "{\"op\":\"add\"}"), 400, "an array expected");
        assertError(http.patch("/fleet/v1/machines", "[{\"op\":\"move\",\"path\":\"/" + M1 + "/metadata/a\",\"value\":{\"value\":\"b\"}}]"),
                400, "invalid op: expect add, remove, or replace");
        assertError(http.patch("/fleet/v1/machines", "[{\"op\":\"add\",\"path\":\"/" + M1 + "/labels/a\",\"value\":{\"value\":\"b\"}}]"),
                400, "machine metadata path invalid");
        assertError(http.patch("/fleet/v1/machines", "[{\"op\":\"add\",\"path\":\"/" + M1 + "/metadata/a b\",\"value\":{\"value\":\"b\"}}]"),
                400, "machine metadata path invalid");
        assertError(http.patch("/fleet/v1/machines", "[{\"op\":\"add\",\"path\":\"/" + M1 + "/metadata/a\"}]"), 400,
                "invalid value: add and replace require a value");
        assertError(http.patch("/fleet/v1/machines", "[{\"op\":\"add\",\"path\":\"/" + M1 + "/metadata/a\",\"value\":\"b\"}]"),
                400, "unable to decode body: [0].value has the wrong type (an object expected)");
        assertError(http.patch("/fleet/v1/machines", "[{\"op\":\"add\",\"path\":\"/" + M1 + "/metadata/a\",\"value\":{\"value\":7}}]"),
                400, "must be a string");
        // validated as a whole: a good first operation is not applied when the second is bad
        assertError(http.patch("/fleet/v1/machines", "[{\"op\":\"add\",\"path\":\"/" + M1 + "/metadata/a\",\"value\":{\"value\":\"b\"}},"
                + "{\"op\":\"nope\",\"path\":\"/" + M1 + "/metadata/c\",\"value\":{\"value\":\"d\"}}]"), 400, "operation 2");
        assertEquals(Map.of("role", "web"), api.registry.machines().get(0).metadata());
        // as fleet, the body is read whatever its Content-Type
        assertEquals(204, http.send("PATCH", "/fleet/v1/machines", "text/plain", "[]".getBytes()).status());
        assertError(http.put("/fleet/v1/machines", "[]"), 405, "only GET and PATCH");
    }

    @Test
    void dynamicMetadataOutlivesTheMachineLeavingAndRejoining() throws Exception {
        MachinePresence p = api.join(M1, "10.0.0.1", Map.of());
        assertEquals(204, http.patch("/fleet/v1/machines", "[{\"op\":\"add\",\"path\":\"/" + M1 + "/metadata/rack\",\"value\":{\"value\":\"r7\"}}]").status());
        p.close();
        assertEquals("{}", new String(http.get("/fleet/v1/machines").body()), "a machine that left is not listed");
        api.join(M1, "10.0.0.1", Map.of());
        assertEquals("r7", json(http.get("/fleet/v1/machines")).get("machines").get(0).get("metadata").get("rack").asText());
    }

    @Test
    void stateIsFilteredByMachineAndUnit() throws Exception {
        MachinePresence p1 = api.join(M1, "10.0.0.1", Map.of());
        MachinePresence p2 = api.join(M2, "10.0.0.2", Map.of());
        UnitFile f = UnitFile.parse("[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nGlobal=true\n");
        api.registry.createJob("g.service", f, TargetState.LAUNCHED);
        api.publish(p1, "g.service", TargetState.LAUNCHED, "loaded", "active", "running");
        api.publish(p2, "g.service", TargetState.LAUNCHED, "loaded", "failed", "failed");

        assertEquals(2, json(http.get("/fleet/v1/state")).get("states").size());
        JsonNode one = json(http.get("/fleet/v1/state?machineID=" + M2)).get("states");
        assertEquals(1, one.size());
        assertEquals("failed", one.get(0).get("systemdActiveState").asText());
        assertEquals(f.hash().hex(), one.get(0).get("hash").asText());
        assertEquals(2, json(http.get("/fleet/v1/state?unitName=g.service")).get("states").size());
        assertEquals("{}", new String(http.get("/fleet/v1/state?unitName=other.service").body()));
        // as in fleet: an empty filter is no filter; of a repeated one only the first value counts
        assertEquals(2, json(http.get("/fleet/v1/state?machineID=")).get("states").size());
        JsonNode first = json(http.get("/fleet/v1/state?machineID=" + M1 + "&machineID=" + M2)).get("states");
        assertEquals(1, first.size());
        assertEquals(M1, first.get(0).get("machineID").asText());
        // one unit's state (fleetctl start polls it); for a global unit the first machine's, by id
        RawHttp.Response item = http.get("/fleet/v1/state/g.service");
        assertEquals(200, item.status(), new String(item.body()));
        assertEquals(M1.compareTo(M2) < 0 ? M1 : M2, json(item).get("machineID").asText());
        assertEquals("g.service", json(item).get("name").asText());
        assertError(http.get("/fleet/v1/state/other.service"), 404, "unit state does not exist");
        assertError(http.send("DELETE", "/fleet/v1/state/g.service", null, null), 405, "only GET supported against this resource");
    }

    @Test
    void statesAndMachinesArePagedByTokenLimitAndBadTokensAre400() throws Exception {
        List<MachinePresence> machines = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            machines.add(api.join(String.format("%08x", i) + "0000000000000000000000aa", "10.0.1." + (i % 250), Map.of()));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = json(http.get("/fleet/v1/machines" + (token == null ? "" : "?nextPageToken=" + token)));
            page.get("machines").forEach(m -> seen.add(m.get("id").asText()));
            token = page.has("nextPageToken") ? page.get("nextPageToken").asText() : null;
            pages++;
        } while (token != null);
        assertEquals(2, pages);
        assertEquals(130, seen.size());
        assertEquals(seen.stream().sorted().toList(), seen, "pages are in id order with nothing repeated");

        assertError(http.get("/fleet/v1/machines?nextPageToken=garbage"), 400, "invalid value of nextPageToken query parameter");
        assertError(http.get("/fleet/v1/units?nextPageToken=MgABAA=="), 400, "token limit must be");
        assertError(http.get("/fleet/v1/units?nextPageToken=ZAAAAA=="), 400, "token page must be greater than zero");
        assertError(http.get("/fleet/v1/state?nextPageToken=ZAABAA==&nextPageToken=ZAABAA=="), 400, "too many values for page token");
        assertError(http.get("/fleet/v1/state?nextPageToken=%00%01"), 400, "invalid value of nextPageToken query parameter");
        assertError(http.get("/fleet/v1/units?nextPageToken=eyJmb28iOjF9"), 400, "invalid value of nextPageToken query parameter");
    }
}
