package org.fleetj.fleetd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two fleetds over one registry: access roles on fleet's API and on ours, validation of journal and status
 * requests, relaying to the machine that runs the unit (the real journalctl/systemctl of this host run there),
 * and the stream limit.
 */
class OpsApiTest {
    private static final String A = "aaaaaaaa000000000000000000000001";
    private static final String B = "bbbbbbbb000000000000000000000002";
    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final HttpClient http = new HttpClient();
    private OpsFleetd a;
    private OpsFleetd b;
    private LeaderLatch latch;

    @BeforeEach
    void start() throws Exception {
        a = new OpsFleetd(registry, A, 2, Duration.ofSeconds(2));
        b = new OpsFleetd(registry, B, 8, Duration.ofSeconds(2));
        http.start();
        registry.createJob("hello.service", UnitFile.parse("[Service]\nExecStart=/bin/true\n"), TargetState.LAUNCHED);
        registry.createJob("everywhere.service", UnitFile.parse("[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n"), TargetState.LAUNCHED);
        latch = registry.leaderLatch("engine", Duration.ofSeconds(30));
        latch.start();
        registry.applySchedule(latch.leadership().orElseThrow(),
                List.of(ScheduleChange.assign("hello.service", B, registry.job("hello.service").orElseThrow().unitHash(), TargetState.LAUNCHED, "test")));
    }

    @AfterEach
    void stop() throws Exception {
        http.stop();
        latch.close();
        a.close();
        b.close();
        registry.close();
    }

    private Request get(OpsFleetd at, String path, String token) {
        Request r = http.newRequest(at.url().toString() + path).timeout(10, TimeUnit.SECONDS);
        if (token != null) r.headers(h -> h.put("Authorization", "Bearer " + token));
        return r;
    }

    private ContentResponse send(Request r) throws Exception {
        return r.send();
    }

    @Test
    void readOnlyCallersReadButGetA403OnEveryChange() throws Exception {
        assertEquals(200, send(get(a, "/fleet/v1/units", OpsFleetd.READ_TOKEN)).getStatus());
        String body = "{\"desiredState\":\"inactive\"}";
        for (HttpMethod m : List.of(HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.POST)) {
            ContentResponse r = send(get(a, "/fleet/v1/units/hello.service", OpsFleetd.READ_TOKEN).method(m)
                    .body(new StringRequestContent("application/json", body)));
            assertEquals(403, r.getStatus(), m + ": " + r.getContentAsString());
            assertTrue(r.getContentAsString().contains("read-only role"), r.getContentAsString());
        }
        assertEquals(TargetState.LAUNCHED, registry.job("hello.service").orElseThrow().desiredState(), "nothing changed");
        ContentResponse w = send(get(a, "/fleet/v1/units/hello.service", OpsFleetd.WRITE_TOKEN).method(HttpMethod.PUT)
                .body(new StringRequestContent("application/json", body)));
        assertEquals(204, w.getStatus(), w.getContentAsString());
        assertEquals(TargetState.INACTIVE, registry.job("hello.service").orElseThrow().desiredState());
    }

    @Test
    void callersWithoutOrWithWrongCredentialsGet401() throws Exception {
        ContentResponse none = send(get(a, "/fleet/v1/units", null));
        assertEquals(401, none.getStatus());
        assertTrue(none.getContentAsString().contains("authentication required"), none.getContentAsString());
        assertEquals(401, send(get(a, "/ops/v1/cluster", "not-a-token-at-all-000")).getStatus());
        assertEquals(401, send(get(a, "/fleet/v1/units", null).headers(h -> h.put("Authorization", "Basic Zm9vOmJhcg=="))).getStatus());
        // the cluster secret is for fleetds relaying to each other: read, never write
        assertEquals(200, send(get(a, "/fleet/v1/machines", OpsFleetd.CLUSTER_SECRET)).getStatus());
        assertEquals(403, send(get(a, "/fleet/v1/units/hello.service", OpsFleetd.CLUSTER_SECRET).method(HttpMethod.DELETE)).getStatus());
        // the dashboard's files hold no data and load without credentials; its data does not
        ContentResponse page = send(get(a, "/ui/", null));
        assertEquals(200, page.getStatus());
        assertTrue(page.getContentAsString().contains("<title>fleet</title>"));
        assertTrue(page.getHeaders().get("Content-Security-Policy").contains("default-src 'self'"));
    }

    @Test
    void whoamiNamesTheRole() throws Exception {
        assertTrue(send(get(a, "/ops/v1/whoami", OpsFleetd.READ_TOKEN)).getContentAsString().contains("\"role\":\"read\""));
        assertTrue(send(get(a, "/ops/v1/whoami", OpsFleetd.WRITE_TOKEN)).getContentAsString().contains("\"role\":\"write\""));
    }

    @Test
    void badJournalRequestsGetA400NamingWhatWasWrong() throws Exception {
        assertError(400, "unknown unit type", "/ops/v1/units/hello.nope/journal");
        assertError(400, "character", "/ops/v1/units/a%20b.service/journal");
        assertError(400, "invalid unit name", "/ops/v1/units/x;rm%20-rf%20%2F.service/journal");
        assertError(400, "invalid unit name", "/ops/v1/units/$(reboot).service/journal");
        assertError(400, "at most 100000 lines", "/ops/v1/units/hello.service/journal?lines=100001");
        assertError(400, "invalid lines", "/ops/v1/units/hello.service/journal?lines=99999999999999999999");
        assertError(400, "invalid lines", "/ops/v1/units/hello.service/journal?lines=-5");
        assertError(400, "invalid output mode \\\"bogus\\\": journalctl accepts short, ", "/ops/v1/units/hello.service/journal?output=bogus");
        assertError(400, "invalid output mode", "/ops/v1/units/hello.service/journal?output=--help");
        assertError(400, "invalid follow", "/ops/v1/units/hello.service/journal?follow=maybe");
        assertError(400, "unknown query parameter \\\"since\\\"", "/ops/v1/units/hello.service/journal?since=yesterday");
        assertError(400, "given more than once", "/ops/v1/units/hello.service/journal?lines=1&lines=2");
        assertError(400, "invalid machine", "/ops/v1/units/hello.service/journal?machine=..%2F..");
        assertError(404, "does not exist", "/ops/v1/units/nosuch.service/journal");
        assertError(404, "is not in the cluster", "/ops/v1/units/hello.service/status?machine=ffff");
        assertError(400, "is global", "/ops/v1/units/everywhere.service/status");
        assertError(404, "resource not found", "/ops/v1/units/hello.service/nothing");
        assertError(405, "only GET", "/ops/v1/units/hello.service/journal", HttpMethod.DELETE, OpsFleetd.WRITE_TOKEN);
    }

    private void assertError(int status, String text, String path) throws Exception {
        assertError(status, text, path, HttpMethod.GET, OpsFleetd.READ_TOKEN);
    }

    private void assertError(int status, String text, String path, HttpMethod method, String token) throws Exception {
        ContentResponse r = send(get(a, path, token).method(method));
        assertEquals(status, r.getStatus(), path + ": " + r.getContentAsString());
        assertTrue(r.getContentAsString().contains(text), path + ": " + r.getContentAsString());
        assertTrue(r.getContentAsString().startsWith("{\"error\":"), r.getContentAsString());
    }

    @Test
    void statusOfAUnitOnAnotherMachineIsRelayedThereWithItsExitStatus() throws Exception {
        Process local = new ProcessBuilder("systemctl", "status", "-l", "--", "hello.service").redirectErrorStream(true).start();
        String expected = new String(local.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int expectedExit = local.waitFor();
        ContentResponse viaA = send(get(a, "/ops/v1/units/hello.service/status", OpsFleetd.READ_TOKEN));
        assertEquals(200, viaA.getStatus(), viaA.getContentAsString());
        assertEquals(expected, viaA.getContentAsString());
        assertEquals(Integer.toString(expectedExit), viaA.getTrailers().get(StreamPump.EXIT_TRAILER));
        // and with the machine named: the same answer from B itself
        ContentResponse atB = send(get(b, "/ops/v1/units/hello.service/status?machine=bbbb", OpsFleetd.READ_TOKEN));
        assertEquals(expected, atB.getContentAsString());
        assertEquals(Integer.toString(expectedExit), atB.getTrailers().get(StreamPump.EXIT_TRAILER));
    }

    @Test
    void aRelayedRequestIsNeverRelayedAgain() throws Exception {
        ContentResponse r = send(get(a, "/ops/v1/units/hello.service/status", OpsFleetd.CLUSTER_SECRET)
                .headers(h -> h.put(PeerRelay.RELAYED_HEADER, "1")));
        assertEquals(409, r.getStatus(), r.getContentAsString());
    }

    @Test
    void streamsBeyondTheLimitGet429AndTheSlotsComeBack() throws Exception {
        // journalctl -f of a unit with no entries keeps running quietly: two such followers fill a's two slots
        List<java.net.Socket> followers = new ArrayList<>();
        for (int i = 0; i < 2; i++) followers.add(follow(a, "hello.service", "aaaa"));
        assertEquals(2, a.ops.activeStreams());
        ContentResponse third = send(get(a, "/ops/v1/units/hello.service/status?machine=aaaa", OpsFleetd.READ_TOKEN));
        assertEquals(429, third.getStatus());
        assertTrue(third.getContentAsString().contains("too many"), third.getContentAsString());
        for (java.net.Socket f : followers) f.close();
        Awaitility.await("followers that went away free their slots").atMost(Duration.ofSeconds(10)).until(() -> a.ops.activeStreams() == 0);
        assertEquals(200, send(get(a, "/ops/v1/units/hello.service/status?machine=aaaa", OpsFleetd.READ_TOKEN)).getStatus());
        // b is unaffected all along
        assertEquals(200, send(get(b, "/fleet/v1/units", OpsFleetd.READ_TOKEN)).getStatus());
    }

    /** A raw follower: sends the request, reads the response head, then reads nothing more. */
    static java.net.Socket follow(OpsFleetd at, String unit, String machine) throws IOException {
        java.net.Socket s = new java.net.Socket(at.url().getHost(), at.url().getPort());
        s.getOutputStream().write(("GET /ops/v1/units/" + unit + "/journal?follow=true&machine=" + machine + " HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + OpsFleetd.READ_TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(10_000);
        String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertEquals("HTTP/1.1 200 OK", status);
        return s;
    }

    @Test
    void aUnitFileIsServedAsStoredAndTextBecomesOptions() throws Exception {
        ContentResponse file = send(get(a, "/ops/v1/units/hello.service/file", OpsFleetd.READ_TOKEN));
        assertEquals("[Service]\nExecStart=/bin/true\n", file.getContentAsString());
        ContentResponse options = send(get(a, "/ops/v1/unit-options", OpsFleetd.WRITE_TOKEN).method(HttpMethod.POST)
                .body(new StringRequestContent("text/plain", "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/sleep 1\n")));
        assertEquals(200, options.getStatus(), options.getContentAsString());
        assertTrue(options.getContentAsString().contains("{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep 1\"}"));
        assertEquals(400, send(get(a, "/ops/v1/unit-options", OpsFleetd.WRITE_TOKEN).method(HttpMethod.POST)
                .body(new StringRequestContent("text/plain", ""))).getStatus());
    }

    @Test
    void theClusterViewAnswersAtOnceThenWhenSomethingChanges() throws Exception {
        ContentResponse first = send(get(a, "/ops/v1/cluster", OpsFleetd.READ_TOKEN));
        assertEquals(200, first.getStatus());
        String json = first.getContentAsString();
        assertTrue(json.contains("\"name\":\"hello.service\""), json);
        long version = Long.parseLong(json.replaceAll("^\\{\"version\":(\\d+),.*$", "$1"));
        InputStreamResponseListener waiting = new InputStreamResponseListener();
        get(a, "/ops/v1/cluster?since=" + version, OpsFleetd.READ_TOKEN).timeout(30, TimeUnit.SECONDS).send(waiting);
        registry.setDesiredState("hello.service", TargetState.LOADED);
        org.eclipse.jetty.client.Response r = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.getStatus());
        String next = read(waiting.getInputStream());
        assertTrue(next.contains("\"desiredState\":\"loaded\""), next);
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
