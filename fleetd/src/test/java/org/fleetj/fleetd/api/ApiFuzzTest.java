package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.fleetj.registry.Job;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/**
 * Generated garbage thrown at the API (deterministic seeds, so a failure can be replayed): random methods, paths,
 * content types and bodies, and mutations of valid requests. Whatever comes in, fleetd answers with a 2xx or a
 * 4xx carrying fleet's JSON error, never a 5xx, stays up, and stores only unit files that survive fleet's
 * serialization.
 */
class ApiFuzzTest extends ApiServerTest {
    private static final int REQUESTS = 2_500;
    private static final String VALID_UNIT = "{\"desiredState\":\"launched\",\"options\":["
            + "{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"Hello\"},"
            + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sh -c 'echo hi'\"},"
            + "{\"section\":\"X-Fleet\",\"name\":\"Conflicts\",\"value\":\"hello@*.service\"}]}";
    private static final String[] METHODS = {"GET", "PUT", "DELETE", "PATCH", "POST", "HEAD", "OPTIONS", "TRACE", "FOO"};
    private static final String[] ROOTS = {"/fleet/v1/units/", "/fleet/v1/units", "/fleet/v1/state", "/fleet/v1/machines",
            "/fleet/v1/discovery", "/v1-alpha/units/", "/metrics", "/", "/fleet/", "/fleet/v1/units/a.service/x"};
    private static final String[] TYPES = {"application/json", "application/json; charset=utf-8", "text/plain",
            "application/json-patch+json", "", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"};

    @Test
    void garbageGetsFourHundredsNeverFiveHundredsAndNothingInvalidIsStored() throws Exception {
        for (long seed = 1; seed <= REQUESTS; seed++) {
            Random r = new Random(seed);
            String method = pick(r, METHODS);
            String path = path(r);
            String type = pick(r, TYPES);
            byte[] body = body(r);
            RawHttp.Response resp;
            try {
                resp = http.send(method, path, type.isEmpty() ? null : type, body);
            } catch (java.io.IOException e) {
                fail("seed " + seed + ": " + method + " " + path + ": no HTTP answer: " + e.getMessage());
                return;
            }
            String what = "seed " + seed + ": " + method + " " + path + " [" + type + "] " + preview(body) + " -> " + resp.status() + " " + resp.text();
            assertTrue(resp.status() < 500, what);
            if (resp.status() >= 400 && !method.equals("HEAD")) {
                assertEquals("application/json", resp.header("content-type"), what);
                JsonNode error = JSON.readTree(resp.body()).get("error");
                assertEquals(resp.status(), error.get("code").asInt(), what);
                assertTrue(!error.get("message").asText().isBlank(), what);
            }
        }
        assertEquals(200, http.get("/fleet/v1/units").status(), "fleetd still serves");
        for (Job j : api.registry.jobs()) {
            UnitFile again = UnitFile.parse(j.unit().serialize());
            assertEquals(j.unit().hash(), again.hash(), "stored unit " + j.name() + " round-trips");
        }
    }

    @Test
    void hostileUnitContentsAreRefusedWithTheReason() throws Exception {
        String nul = VALID_UNIT.replace("echo hi", "echo \\u0000hi");
        assertRefused(http.put("/fleet/v1/units/nul.service", nul), "nul.service");
        String longLine = VALID_UNIT.replace("echo hi", "echo " + "x".repeat(5000));
        assertRefused(http.put("/fleet/v1/units/long.service", longLine), "long.service");
        StringBuilder binary = new StringBuilder();
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) binary.append(String.format("\\u%04x", r.nextInt(0x20)));
        assertRefused(http.put("/fleet/v1/units/binary.service", VALID_UNIT.replace("echo hi", binary.toString())), "binary.service");
        byte[] tenMb = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(tenMb, (byte) 'a');
        RawHttp.Response big = http.send("PUT", "/fleet/v1/units/big.service", "application/json", tenMb);
        assertEquals(413, big.status());
        byte[] garbage = new byte[4096];
        r.nextBytes(garbage);
        RawHttp.Response g = http.send("PUT", "/fleet/v1/units/garbage.service", "application/json", garbage);
        assertEquals(400, g.status(), g.text());
        assertTrue(api.registry.jobs().isEmpty(), "nothing stored: " + api.registry.jobs());
        assertEquals(201, http.put("/fleet/v1/units/ok.service", VALID_UNIT).status(), "a valid unit still goes in");
    }

    private static void assertRefused(RawHttp.Response r, String unit) throws Exception {
        assertEquals(400, r.status(), unit + ": " + r.text());
        String message = JSON.readTree(r.body()).get("error").get("message").asText();
        assertTrue(message.length() > 10, unit + ": the message says why: " + message);
    }

    private static String path(Random r) {
        String root = pick(r, ROOTS);
        return switch (r.nextInt(8)) {
            case 0 -> root + randomName(r);
            case 1 -> root + "..%2F..%2Fetc%2Fpasswd";
            case 2 -> root + "../../etc/x.service";
            case 3 -> root + "?nextPageToken=" + randomToken(r);
            case 4 -> root + "?machineID=" + randomToken(r) + "&unitName=" + randomToken(r);
            case 5 -> root + "hello@" + r.nextInt(5) + ".service";
            case 6 -> root + "x".repeat(1 + r.nextInt(400)) + ".service";
            default -> root;
        };
    }

    private static String randomName(Random r) {
        String alphabet = "abcXYZ019-_.@:%\\~";
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(30);
        for (int i = 0; i < n; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        if (r.nextBoolean()) b.append(pick(r, new String[]{".service", ".socket", ".timer", ".bogus", ""}));
        return b.toString().replace("%", "%25");
    }

    private static String randomToken(Random r) {
        String alphabet = "ABCxyz0189+/=-_%20";
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }

    private static byte[] body(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> null;
            case 1 -> {
                byte[] b = new byte[r.nextInt(2048)];
                r.nextBytes(b);
                yield b;
            }
            case 2 -> mutate(r, VALID_UNIT).getBytes(StandardCharsets.UTF_8);
            case 3 -> VALID_UNIT.substring(0, r.nextInt(VALID_UNIT.length())).getBytes(StandardCharsets.UTF_8);
            case 4 -> "[".repeat(1 + r.nextInt(5000)).getBytes(StandardCharsets.UTF_8);
            case 5 -> ("{\"desiredState\":\"" + randomToken(r) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 6 -> ("[{\"op\":\"" + pick(r, new String[]{"add", "remove", "replace", "test", "x"}) + "\",\"path\":\"/"
                    + randomName(r) + "/metadata/" + randomName(r) + "\",\"value\":\"" + randomToken(r) + "\"}]").getBytes(StandardCharsets.UTF_8);
            case 7 -> VALID_UNIT.replace("Hello", "x".repeat(r.nextInt(4000))).getBytes(StandardCharsets.UTF_8);
            default -> VALID_UNIT.getBytes(StandardCharsets.UTF_8);
        };
    }

    /** A valid body with a few characters replaced, inserted or removed. */
    private static String mutate(Random r, String s) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + r.nextInt(4);
        String alphabet = "{}[]\":,\\\u0000\u00ff\u2028 abc0@%=\n";
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(3)) {
                case 0 -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                case 1 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                default -> b.deleteCharAt(at);
            }
        }
        return b.toString();
    }

    private static String preview(byte[] body) {
        if (body == null) return "(no body)";
        String s = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
        return s.replaceAll("\\p{Cntrl}", "?") + (body.length > 120 ? "... (" + body.length + " bytes)" : "");
    }

    private static <T> T pick(Random r, T[] from) {
        return from[r.nextInt(from.length)];
    }
}
