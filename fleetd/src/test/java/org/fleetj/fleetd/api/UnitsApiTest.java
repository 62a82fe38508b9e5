package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachinePresence;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/** The units resource over the real unix socket: fleet v1's status codes, messages and JSON, byte for byte. */
class UnitsApiTest extends ApiServerTest {
    static final String HELLO_OPTIONS = "[{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"Hello loop\"},"
            + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sh -c 'while true; do echo hi; sleep 1; done'\"}]";
    static final String MACHINE = "3d1219c7c4c5404aaa1f6d2a48adfda4";

    static void assertError(RawHttp.Response r, int status, String message) {
        assertEquals(status, r.status(), r.text());
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("{\"error\":{\"code\":" + status + ",\"message\":" + jsonString(message) + "}}", r.text());
    }

    static String jsonString(String s) {
        return new String(ApiJson.write(s), StandardCharsets.UTF_8);
    }

    @Test
    void launchedUnitLooksExactlyLikeFleetsCapturedJson() throws Exception {
        assertEquals(201, http.put("/fleet/v1/units/hello.service", "{\"desiredState\":\"launched\",\"options\":" + HELLO_OPTIONS + "}").status());
        MachinePresence machine = api.join(MACHINE, "127.0.0.1", Map.of("region", "local", "role", "peer"));
        api.schedule("hello.service", MACHINE, TargetState.LAUNCHED);
        api.publish(machine, "hello.service", TargetState.LAUNCHED, "loaded", "active", "running");

        RawHttp.Response list = http.get("/fleet/v1/units");
        assertEquals(200, list.status());
        assertEquals("application/json", list.header("Content-Type"));
        assertEquals("fleetd/" + ApiFixture.VERSION, list.header("Server"));
        assertEquals("{\"units\":[{\"currentState\":\"launched\",\"desiredState\":\"launched\",\"machineID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\","
                + "\"name\":\"hello.service\",\"options\":[{\"name\":\"Description\",\"section\":\"Unit\",\"value\":\"Hello loop\"},"
                + "{\"name\":\"ExecStart\",\"section\":\"Service\",\"value\":\"/bin/sh -c 'while true; do echo hi; sleep 1; done'\"}]}]}",
                list.text());
        assertEquals(list.text().length(), Integer.parseInt(list.header("Content-Length")));

        assertEquals("{\"currentState\":\"launched\",\"desiredState\":\"launched\",\"machineID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\","
                + "\"name\":\"hello.service\",\"options\":[{\"name\":\"Description\",\"section\":\"Unit\",\"value\":\"Hello loop\"},"
                + "{\"name\":\"ExecStart\",\"section\":\"Service\",\"value\":\"/bin/sh -c 'while true; do echo hi; sleep 1; done'\"}]}",
                http.get("/fleet/v1/units/hello.service").text());
        assertEquals("{\"states\":[{\"hash\":\"524c78430e3344e72e932522ab019c53b09e58ed\",\"machineID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\","
                + "\"name\":\"hello.service\",\"systemdActiveState\":\"active\",\"systemdLoadState\":\"loaded\",\"systemdSubState\":\"running\"}]}",
                http.get("/fleet/v1/state").text());
        assertEquals("{\"machines\":[{\"id\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"metadata\":{\"region\":\"local\",\"role\":\"peer\"},"
                + "\"primaryIP\":\"127.0.0.1\"}]}", http.get("/fleet/v1/machines").text());
    }

    @Test
    void currentStateFollowsTargetAndAgentReport() throws Exception {
        http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"launched\",\"options\":" + HELLO_OPTIONS + "}");
        // no target: inactive, no machineID
        assertEquals("{\"currentState\":\"inactive\",\"desiredState\":\"launched\",\"name\":\"a.service\",\"options\":" + sorted() + "}",
                http.get("/fleet/v1/units/a.service").text());
        MachinePresence m = api.join(MACHINE, "10.0.0.1", Map.of());
        api.schedule("a.service", MACHINE, TargetState.LAUNCHED);
        // target but no state from it yet: inactive, with the target's id
        assertTrue(http.get("/fleet/v1/units/a.service").text().startsWith("{\"currentState\":\"inactive\",\"desiredState\":\"launched\",\"machineID\":\"" + MACHINE));
        api.publish(m, "a.service", TargetState.LOADED, "loaded", "inactive", "dead");
        assertTrue(http.get("/fleet/v1/units/a.service").text().startsWith("{\"currentState\":\"loaded\","));
        api.publish(m, "a.service", TargetState.LAUNCHED, "loaded", "active", "running");
        assertTrue(http.get("/fleet/v1/units/a.service").text().startsWith("{\"currentState\":\"launched\","));
    }

    private static String sorted() {
        return "[{\"name\":\"Description\",\"section\":\"Unit\",\"value\":\"Hello loop\"},"
                + "{\"name\":\"ExecStart\",\"section\":\"Service\",\"value\":\"/bin/sh -c 'while true; do echo hi; sleep 1; done'\"}]";
    }

    @Test
    void globalUnitsHaveNoCurrentStateNorMachine() throws Exception {
        String opts = "[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"},{\"section\":\"X-Fleet\",\"name\":\"Global\",\"value\":\"true\"}]";
        assertEquals(201, http.put("/fleet/v1/units/g.service", "{\"desiredState\":\"launched\",\"options\":" + opts + "}").status());
        assertEquals("{\"desiredState\":\"launched\",\"name\":\"g.service\",\"options\":[{\"name\":\"ExecStart\",\"section\":\"Service\",\"value\":\"/bin/true\"},"
                + "{\"name\":\"Global\",\"section\":\"X-Fleet\",\"value\":\"true\"}]}", http.get("/fleet/v1/units/g.service").text());
    }

    @Test
    void emptyClusterListsAsAnEmptyObjectLikeFleet() throws Exception {
        assertEquals("{}", http.get("/fleet/v1/units").text());
        assertEquals("{}", http.get("/fleet/v1/state").text());
        assertEquals("{}", http.get("/fleet/v1/machines").text());
    }

    @Test
    void createModifyReplaceDeleteLifecycle() throws Exception {
        RawHttp.Response created = http.put("/fleet/v1/units/hello.service", "{\"desiredState\":\"inactive\",\"options\":" + HELLO_OPTIONS + "}");
        assertEquals(201, created.status());
        assertEquals(0, created.body().length);
        assertEquals("fleetd/" + ApiFixture.VERSION, created.header("Server"));
        Job job = api.registry.job("hello.service").orElseThrow();
        assertEquals("524c78430e3344e72e932522ab019c53b09e58ed", job.unitHash());
        assertEquals(TargetState.INACTIVE, job.desiredState());

        assertEquals(204, http.put("/fleet/v1/units/hello.service", "{\"desiredState\":\"loaded\"}").status());
        assertEquals(TargetState.LOADED, api.registry.job("hello.service").orElseThrow().desiredState());
        // same options again: a desired-state change, same file
        assertEquals(204, http.put("/fleet/v1/units/hello.service",
                "{\"name\":\"hello.service\",\"desiredState\":\"launched\",\"options\":" + HELLO_OPTIONS + "}").status());
        assertEquals(TargetState.LAUNCHED, api.registry.job("hello.service").orElseThrow().desiredState());
        assertEquals("524c78430e3344e72e932522ab019c53b09e58ed", api.registry.job("hello.service").orElseThrow().unitHash());
        // different options: the file is replaced (fleetctl --replace), desired state as given; 201 as fleet answers
        assertEquals(201, http.put("/fleet/v1/units/hello.service",
                "{\"desiredState\":\"loaded\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep 1\"}]}").status());
        Job replaced = api.registry.job("hello.service").orElseThrow();
        assertEquals("/bin/sleep 1", replaced.unit().values("Service", "ExecStart").get(0));
        assertEquals(TargetState.LOADED, replaced.desiredState());

        RawHttp.Response deleted = http.delete("/fleet/v1/units/hello.service");
        assertEquals(204, deleted.status());
        assertEquals(0, deleted.body().length);
        assertFalse(api.registry.job("hello.service").isPresent());
        assertError(http.delete("/fleet/v1/units/hello.service"), 404, "unit does not exist");
        assertError(http.get("/fleet/v1/units/hello.service"), 404, "unit does not exist");
    }

    @Test
    void createWithoutOptionsIsAConflict() throws Exception {
        assertError(http.put("/fleet/v1/units/nosuch.service", "{\"desiredState\":\"launched\"}"), 409,
                "unit does not exist and options field empty");
        assertError(http.put("/fleet/v1/units/nosuch.service", "{\"desiredState\":\"launched\",\"options\":[]}"), 409,
                "unit does not exist and options field empty");
    }

    @Test
    void nameInBodyMustMatchUrl() throws Exception {
        assertError(http.put("/fleet/v1/units/a.service", "{\"name\":\"b.service\",\"desiredState\":\"launched\",\"options\":" + HELLO_OPTIONS + "}"),
                400, "name in URL \"a.service\" differs from unit name in request body \"b.service\"");
        assertFalse(api.registry.job("a.service").isPresent());
    }

    @Test
    void desiredStateIsCheckedAndDefaultsToInactiveOnCreateAsInFleet() throws Exception {
        assertError(http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"running\",\"options\":" + HELLO_OPTIONS + "}"),
                400, "invalid desiredState \"running\": must be one of inactive, loaded, launched");
        assertError(http.put("/fleet/v1/units/a.service", "{\"desiredState\":5,\"options\":" + HELLO_OPTIONS + "}"),
                400, "unable to decode body: desiredState must be a string, not a number");
        assertFalse(api.registry.job("a.service").isPresent());
        // fleet's own fleetctl creates a unit with options and no desiredState: created inactive
        assertEquals(201, http.put("/fleet/v1/units/a.service", "{\"options\":" + HELLO_OPTIONS + "}").status());
        assertEquals(TargetState.INACTIVE, api.registry.job("a.service").orElseThrow().desiredState());
        // an existing unit: the desired state is required
        assertError(http.put("/fleet/v1/units/a.service", "{\"options\":" + HELLO_OPTIONS + "}"),
                409, "must provide DesiredState to update existing unit");
        assertError(http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"\"}"),
                409, "must provide DesiredState to update existing unit");
        // capitalised field names, as Go's decoder matches them
        assertEquals(204, http.put("/fleet/v1/units/a.service", "{\"Name\":\"a.service\",\"DesiredState\":\"loaded\"}").status());
        assertEquals(TargetState.LOADED, api.registry.job("a.service").orElseThrow().desiredState());
    }

    @Test
    void aTemplateCannotBeActivated() throws Exception {
        assertError(http.put("/fleet/v1/units/t@.service", "{\"desiredState\":\"launched\",\"options\":" + HELLO_OPTIONS + "}"),
                400, "cannot activate template \"t@.service\"");
        assertFalse(api.registry.job("t@.service").isPresent());
        assertEquals(201, http.put("/fleet/v1/units/t@.service", "{\"options\":" + HELLO_OPTIONS + "}").status());
        assertError(http.put("/fleet/v1/units/t@.service", "{\"desiredState\":\"loaded\"}"), 400, "cannot activate template \"t@.service\"");
        assertEquals(204, http.put("/fleet/v1/units/t@.service", "{\"desiredState\":\"inactive\"}").status());
    }

    @Test
    void invalidAndPathTraversingNamesAreRefused() throws Exception {
        String body = "{\"desiredState\":\"launched\",\"options\":" + HELLO_OPTIONS + "}";
        RawHttp.Response encoded = http.put("/fleet/v1/units/..%2F..%2Fetc%2Fx.service", body);
        assertEquals(400, encoded.status(), encoded.text());
        assertEquals("application/json", encoded.header("Content-Type"));
        assertTrue(encoded.text().startsWith("{\"error\":{\"code\":400,\"message\":"), encoded.text());
        // a literal ../ is resolved by the URI rules before routing: it never reaches a unit
        RawHttp.Response dotted = http.put("/fleet/v1/units/../../etc/x.service", body);
        assertTrue(dotted.status() == 400 || dotted.status() == 404, dotted.text());
        assertEquals("application/json", dotted.header("Content-Type"));
        RawHttp.Response noType = http.put("/fleet/v1/units/hello", body);
        assertEquals(400, noType.status());
        assertTrue(noType.text().contains("invalid unit name \\\"hello\\\""), noType.text());
        assertEquals(400, http.put("/fleet/v1/units/@foo.service", body).status());
        assertEquals(400, http.put("/fleet/v1/units/foo%20bar.service", body).status());
        assertEquals(400, http.put("/fleet/v1/units/foo@.mount", body).status());
        assertEquals(400, http.put("/fleet/v1/units/" + "a".repeat(300) + ".service", body).status());
        assertEquals(400, http.get("/fleet/v1/units/x%00.service").status());
        assertTrue(api.registry.jobs().isEmpty());
    }

    @Test
    void percentEncodedNamesAreTheUnitsTheyEncode() throws Exception {
        // fleet's Go clients expand {unitName} as RFC 6570 does: '@' and ':' are sent percent-encoded
        String body = "{\"desiredState\":\"inactive\",\"options\":" + HELLO_OPTIONS + "}";
        assertEquals(201, http.put("/fleet/v1/units/web%401.service", body).status());
        assertTrue(api.registry.job("web@1.service").isPresent());
        RawHttp.Response plain = http.get("/fleet/v1/units/web@1.service");
        assertEquals(200, plain.status(), plain.text());
        assertTrue(plain.text().contains("\"name\":\"web@1.service\""), plain.text());
        assertEquals(plain.text(), http.get("/v1-alpha/units/web%401.service").text());
        assertEquals(201, http.put("/fleet/v1/units/a%3Ab.service", body).status());
        assertTrue(api.registry.job("a:b.service").isPresent());
        assertEquals(204, http.delete("/fleet/v1/units/web%401.service").status());
        assertFalse(api.registry.job("web@1.service").isPresent());
    }

    @Test
    void templatesMayBeSubmitted() throws Exception {
        assertEquals(201, http.put("/fleet/v1/units/web@.service",
                "{\"desiredState\":\"inactive\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/echo %i\"}]}").status());
        assertEquals(201, http.put("/fleet/v1/units/web@1.service",
                "{\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/echo %i\"}]}").status());
        assertEquals(2, api.registry.jobs().size());
    }

    @Test
    void invalidXFleetCombinationsAreRefusedWithTheReason() throws Exception {
        RawHttp.Response r = http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"launched\",\"options\":["
                + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"},"
                + "{\"section\":\"X-Fleet\",\"name\":\"MachineID\",\"value\":\"" + MACHINE + "\"},"
                + "{\"section\":\"X-Fleet\",\"name\":\"Global\",\"value\":\"true\"}]}");
        assertEquals(400, r.status());
        assertEquals("{\"error\":{\"code\":400,\"message\":\"invalid [X-Fleet] requirements: MachineID cannot be combined with Global\"}}",
                r.text().strip(), "the reason, said once");
        assertFalse(api.registry.job("a.service").isPresent());
    }

    @Test
    void badUnitOptionValuesAreRefusedWithTheReason() throws Exception {
        assertError(put("a.service", "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/echo \\u0000x\"}"),
                400, "options[0] (\"Service\" \"ExecStart\"): value contains a NUL character at position 11");
        assertError(put("a.service", "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"a\\nb\"}"),
                400, "options[0] (\"Service\" \"ExecStart\"): value contains control character \\x0a at position 2");
        assertError(put("a.service", "{\"section\":\"Service\",\"value\":\"x\"}"), 400, "options[0]: name is missing or empty");
        assertError(put("a.service", "{\"section\":\"Ser]vice\",\"name\":\"A\",\"value\":\"x\"}"),
                400, "options[0] (\"Ser]vice\" \"A\"): section must not contain '[' or ']'");
        assertError(put("a.service", "{\"section\":\"Service\",\"name\":\"A=B\",\"value\":\"x\"}"),
                400, "options[0] (\"Service\" \"A=B\"): name must not contain '='");
        RawHttp.Response longLine = put("a.service", "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"" + "x".repeat(5000) + "\"}");
        assertEquals(400, longLine.status());
        assertTrue(longLine.text().contains("line too long"), longLine.text());
        RawHttp.Response surrogate = put("a.service", "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"\\ud800\"}");
        assertEquals(400, surrogate.status());
        assertTrue(surrogate.text().contains("unpaired UTF-16 surrogate"), surrogate.text());
        RawHttp.Response trailing = put("a.service", "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true \\\\\"}");
        assertEquals(400, trailing.status());
        assertTrue(trailing.text().contains("do not survive serialization"), trailing.text());
        assertTrue(api.registry.jobs().isEmpty());
        // a line continuation (backslash, newline) is part of the value, as fleet's parser keeps it
        String continued = "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/echo a \\\\\\n  b\"}";
        assertEquals(201, put("continued.service", continued).status());
        assertEquals("/bin/echo a \\\n  b", api.registry.job("continued.service").orElseThrow().unit().values("Service", "ExecStart").get(0));
        api.registry.destroyJob("continued.service");
        // a value left out (fleet omits empty values) is the empty string
        assertEquals(201, put("ok.service", "{\"section\":\"Service\",\"name\":\"Environment\"}").status());
        assertEquals("", api.registry.job("ok.service").orElseThrow().unit().values("Service", "Environment").get(0));
    }

    private RawHttp.Response put(String name, String option) throws Exception {
        return http.put("/fleet/v1/units/" + name, "{\"desiredState\":\"launched\",\"options\":[" + option + "]}");
    }

    @Test
    void malformedJsonUnknownFieldsAndWrongShapesAre400() throws Exception {
        // unknown fields are ignored, as fleet's decoder does
        assertError(http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"launched\",\"colour\":\"red\"}"),
                409, "unit does not exist and options field empty");
        RawHttp.Response broken = http.put("/fleet/v1/units/a.service", "{\"desiredState\":");
        assertEquals(400, broken.status());
        assertTrue(broken.text().contains("unable to decode body: malformed JSON"), broken.text());
        assertEquals(400, http.put("/fleet/v1/units/a.service", "[1,2]").status());
        assertEquals(400, http.put("/fleet/v1/units/a.service", "null").status());
        assertError(http.put("/fleet/v1/units/a.service", ""), 400, "unable to decode body: the request body is empty; a JSON entity is required");
        assertError(http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"launched\",\"options\":\"x\"}"),
                400, "unable to decode body: options has the wrong type (an array expected)");
        // issue 17 item 7: types are checked and named, never a Java exception's name
        assertError(http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"launched\",\"options\":[null]}"),
                400, "options[0] is null; each option is an object with section, name and value");
        assertError(http.put("/fleet/v1/units/a.service",
                        "{\"desiredState\":\"launched\",\"options\":[{\"section\":7,\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}"),
                400, "unable to decode body: options[0].section must be a string, not a number");
        assertError(http.put("/fleet/v1/units/a.service",
                        "{\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":1e999999999}]}"),
                400, "unable to decode body: options[0].value must be a string, not a number");
        assertError(http.put("/fleet/v1/units/a.service",
                        "{\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":true,\"value\":\"x\"}]}"),
                400, "unable to decode body: options[0].name must be a string, not a boolean");
        assertError(http.put("/fleet/v1/units/a.service", "{\"desiredState\":[\"launched\"]}"),
                400, "unable to decode body: desiredState must be a string, not an array");
        byte[] notUtf8 = {'{', '"', 'd', (byte) 0xff, '"', ':', '1', '}'};
        assertEquals(400, http.send("PUT", "/fleet/v1/units/a.service", "application/json", notUtf8).status());
        assertTrue(api.registry.jobs().isEmpty());
    }

    @Test
    void putWithoutJsonContentTypeIs415() throws Exception {
        byte[] body = ("{\"desiredState\":\"launched\",\"options\":" + HELLO_OPTIONS + "}").getBytes(StandardCharsets.UTF_8);
        RawHttp.Response r = http.send("PUT", "/fleet/v1/units/a.service", "text/plain", body);
        assertError(r, 415, "only acceptable Content-Type is application/json");
        assertError(http.send("PUT", "/fleet/v1/units/a.service", null, body), 415, "expected 1 Content-Type, got 0");
        assertError(http.send("PUT", "/fleet/v1/units/a.service", "Application/JSON", body), 415, "only acceptable Content-Type is application/json");
        assertEquals(201, http.send("PUT", "/fleet/v1/units/a.service", "application/json; charset=utf-8", body).status());
    }

    @Test
    void bodiesOverOneMebibyteAre413() throws Exception {
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        RawHttp.Response r = http.send("PUT", "/fleet/v1/units/a.service", "application/json", big);
        assertError(r, 413, "request body larger than 1048576 bytes (1 MiB)");
        // chunked, without a Content-Length
        StringBuilder chunked = new StringBuilder("PUT /fleet/v1/units/a.service HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        String chunk = " ".repeat(65536);
        for (int i = 0; i < 17; i++) chunked.append("10000\r\n").append(chunk).append("\r\n");
        chunked.append("0\r\n\r\n");
        RawHttp.Response c = RawHttp.parse(http.exchange(chunked.toString().getBytes(StandardCharsets.US_ASCII)));
        assertEquals(413, c.status(), c.text());
        assertEquals(200, http.get("/fleet/v1/units").status());
    }

    @Test
    void otherMethodsAre405WithFleetsMessages() throws Exception {
        assertError(http.send("POST", "/fleet/v1/units/a.service", "application/json", "{}".getBytes(StandardCharsets.UTF_8)),
                405, "only GET, PUT and DELETE supported against this resource");
        assertError(http.send("PATCH", "/fleet/v1/units/a.service", "application/json", "{}".getBytes(StandardCharsets.UTF_8)),
                405, "only GET, PUT and DELETE supported against this resource");
        assertError(http.send("DELETE", "/fleet/v1/units", null, null), 405, "only GET supported against this resource");
        assertError(http.send("PUT", "/fleet/v1/state", "application/json", "{}".getBytes(StandardCharsets.UTF_8)),
                405, "only GET supported against this resource");
        assertError(http.send("DELETE", "/fleet/v1/machines", null, null), 405, "only GET and PATCH supported against this resource");
        // fleet answers 400 (not 405) for the discovery document
        assertError(http.send("POST", "/fleet/v1/discovery", null, null), 400, "only HTTP GET supported against this resource");
    }

    @Test
    void rootIs405AndUnknownPathsAre404() throws Exception {
        // fleet's root handler answers 405 to every method
        assertEquals(405, http.get("/").status());
        assertEquals(405, http.get("/fleet/v1").status());
        assertError(http.get("/fleet/v1/"), 404, "resource not found: \"/fleet/v1/\"");
        assertError(http.get("/fleet/v1/nothing"), 404, "resource not found: \"/fleet/v1/nothing\"");
        assertError(http.get("/fleet/v2/units"), 404, "resource not found: \"/fleet/v2/units\"");
        assertEquals(404, http.get("/fleet/v1/state/extra").status());
    }

    @Test
    void legacyV1AlphaRootServesTheSameApi() throws Exception {
        assertEquals(201, http.put("/v1-alpha/units/a.service", "{\"desiredState\":\"loaded\",\"options\":" + HELLO_OPTIONS + "}").status());
        assertTrue(http.get("/v1-alpha/units").text().contains("\"name\":\"a.service\""));
        assertTrue(http.get("/fleet/v1/units/a.service").text().contains("\"desiredState\":\"loaded\""));
    }

    @Test
    void discoveryDocumentDescribesTheV1Schema() throws Exception {
        RawHttp.Response r = http.get("/fleet/v1/discovery");
        assertEquals(200, r.status());
        assertEquals("application/json", r.header("Content-Type"));
        var doc = ApiJson.MAPPER.readTree(r.body());
        assertEquals("discovery#restDescription", doc.get("kind").asText());
        assertEquals("fleet:v1", doc.get("id").asText());
        assertEquals("$ENDPOINT/fleet/v1/", doc.get("baseUrl").asText());
        assertEquals("PUT", doc.at("/resources/Units/methods/Set/httpMethod").asText());
        assertEquals("units/{unitName}", doc.at("/resources/Units/methods/Get/path").asText());
        assertEquals("state", doc.at("/resources/UnitState/methods/List/path").asText());
        assertEquals("launched", doc.at("/schemas/Unit/properties/desiredState/enum/2").asText());
        assertEquals("UnitOption", doc.at("/schemas/Unit/properties/options/items/$ref").asText());
        assertTrue(r.text().startsWith("{\n  \"kind\": \"discovery#restDescription\",\n  \"discoveryVersion\": \"v1\",\n  \"id\": \"fleet:v1\""));
    }

    @Test
    void unknownMethodOnUnitIsCountedInMetrics() throws Exception {
        http.get("/fleet/v1/units");
        http.send("POST", "/fleet/v1/units/a.service", null, null);
        String scrape = http.get("/metrics").text();
        assertTrue(scrape.contains("fleet_api_request_count_total{code=\"200\",method=\"GET\"} 1.0\n"), scrape);
        assertTrue(scrape.contains("fleet_api_request_count_total{code=\"405\",method=\"POST\"} 1.0\n"), scrape);
        assertNull(http.get("/metrics").header("Content-Length") == null ? "missing length" : null);
    }
}
