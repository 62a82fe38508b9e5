package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Journals and status without SSH keys, on a real 2-machine cluster with TLS and roles: fleetctl prints the same
 * through fleetd's API (relayed from the unit's machine) as over SSH, with the same exit status; global units by
 * machine; and hostile callers (bad names, absurd line counts, a mode journalctl lacks, a client that stops
 * reading, 100 concurrent followers) get clear 4xx or are cut off, with fleetd unaffected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalApiIT {
    /**
     * How long quiet.service stays silent between lines: longer than fleetd's idle timeout for API connections
     * (30 s, ApiServer.IDLE_TIMEOUT_MS), so a follower that outlives it shows a quiet journal is not cut off.
     */
    private static final Duration QUIET = Duration.ofSeconds(45);
        private FleetCluster c;
    private SecureApi secure;
    private Machine m1;
    private Machine m2;
    private HttpClient http;

    @BeforeAll
    void boot() throws Exception {
        // the local cluster's default API: TLS with access roles
        c = FleetCluster.up(2, LocalClusterOptions.defaults());
        secure = SecureApi.of(c);
        m1 = c.machine("m1");
        m2 = c.machine("m2");
        http = https(null);
        start("fixed.service", "[Service]\nExecStart=/bin/sh -c 'echo one; echo two; echo three; exec sleep 100000'\n[X-Fleet]\nMachineID=" + m2.machineId() + "\n");
        start("chatty.service", "[Service]\nExecStart=/bin/sh -c 'while :; do echo chatter chatter chatter chatter chatter chatter; sleep 0.01; done'\n"
                + "[X-Fleet]\nMachineID=" + m2.machineId() + "\n");
        start("quiet.service", "[Service]\nExecStart=/bin/sh -c 'while :; do echo beat; sleep " + QUIET.toSeconds() + "; done'\n"
                + "[X-Fleet]\nMachineID=" + m2.machineId() + "\n");
        start("everywhere.service", "[Service]\nExecStart=/bin/sh -c 'echo hello from $(hostname); exec sleep 100000'\n[X-Fleet]\nGlobal=true\n");
        c.await("everywhere on both machines", () -> c.runningOn("everywhere.service").size() == 2);
        for (String m : List.of("m1", "m2")) {
            c.await("everywhere printed its line on " + m,
                    () -> c.local().sh(m, "journalctl", "-u", "everywhere.service", "-o", "cat").stdout().contains("hello from " + m));
        }
        // the unit's lines and systemd's "Started fixed.service." reach journald by different sockets, in either order
        c.await("fixed printed its lines", () -> c.local().sh("m2", "journalctl", "-u", "fixed.service", "-o", "cat").stdout().contains("one\ntwo\nthree\n"));
    }

    private void start(String name, String text) {
        c.fleetctl(env(m1), "start", c.unitFile(name, text)).ok();
    }

    /** The API driver on m1's listener with the write token, plus what SSH needs (the cluster's key and known_hosts). */
    private Map<String, String> env(Machine at) {
        Map<String, String> e = new HashMap<>(secure.apiEnv(at, secure.writeToken));
        return e;
    }

    @AfterAll
    void down() {
        if (c != null) c.close();
    }

    @Test
    void journalThroughTheApiIsWhatSshPrints() {
        for (String mode : List.of("cat", "short", "json")) {
            FleetCluster.Run api = c.fleetctl(env(m1), "journal", "--lines", "3", "--output", mode, "fixed.service").ok();
            FleetCluster.Run ssh = c.fleetctl(env(m1), "journal", "--ssh", "--lines", "3", "--output", mode, "fixed.service").ok();
            // journalctl's JSON objects list their fields in a per-run hashed order: compare them as objects
            assertEquals(mode.equals("json") ? objects(ssh.out()) : ssh.out(), mode.equals("json") ? objects(api.out()) : api.out(), mode);
            assertTrue(api.out().contains("three"), api.out());
        }
        assertEquals(lastLinesOnM2("fixed.service", 3), c.fleetctl(env(m1), "journal", "--lines", "3", "--output", "cat", "fixed.service").ok().out());
    }

    /** What journalctl on m2 itself prints as the unit's last lines: the truth the relayed journal is held to. */
    private String lastLinesOnM2(String unit, int lines) {
        String out = c.local().sh("m2", "journalctl", "-u", unit, "-n", String.valueOf(lines), "-o", "cat").requireSuccess().stdout();
        assertEquals(lines, out.split("\n").length, out);
        assertTrue(out.contains("three"), out);
        return out;
    }

    private static List<Object> objects(String jsonLines) {
        List<Object> out = new ArrayList<>();
        try {
            for (String line : jsonLines.split("\n")) out.add(new com.fasterxml.jackson.databind.ObjectMapper().readValue(line, Map.class));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON lines: " + jsonLines, e);
        }
        return out;
    }

    @Test
    void statusThroughTheApiIsWhatSshPrintsWithTheSameExitStatus() {
        FleetCluster.Run api = c.fleetctl(env(m1), "status", "fixed.service").ok();
        FleetCluster.Run ssh = c.fleetctl(env(m1), "status", "--ssh", "fixed.service").ok();
        assertEquals(stable(ssh.out()), stable(api.out()));
        assertTrue(api.out().contains("Active: active (running)"), api.out());
        // a bad --output never reaches journalctl: fleetd names the accepted modes
        FleetCluster.Run bad = c.fleetctl(env(m1), "journal", "--output", "nonsense", "fixed.service");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("invalid output mode \"nonsense\": journalctl accepts short"), bad.err());
    }

    /** status prints how long ago a unit started and its memory: those change between two calls. */
    private static String stable(String status) {
        return status.replaceAll("; [^;\\n]* ago", "; ago").replaceAll("(?m)^\\s+(Memory|CPU|Tasks):.*\\n", "");
    }

    @Test
    void globalUnitsByMachineAndStatusOnEveryMachine() {
        FleetCluster.Run none = c.fleetctl(env(m1), "journal", "everywhere.service");
        assertEquals("Unable to retrieve journal of global unit everywhere.service.\n", none.err());
        // --lines 2: the unit's line and systemd's "Started ..." line, in whichever order journald received them
        // (the unit's stdout stream and systemd's own message reach journald by different sockets)
        String j2 = c.fleetctl(env(m1), "journal", "--machine", m2.machineId().substring(0, 8), "--lines", "2", "--output", "cat", "everywhere.service").ok().out();
        assertEquals(Set.of("hello from m2", "Started everywhere.service."), Set.of(j2.split("\n")), j2);
        String j1 = c.fleetctl(env(m2), "journal", "--machine", m1.machineId(), "--lines", "2", "--output", "cat", "everywhere.service").ok().out();
        assertEquals(Set.of("hello from m1", "Started everywhere.service."), Set.of(j1.split("\n")), j1);
        String all = c.fleetctl(env(m1), "status", "everywhere.service").ok().out();
        assertEquals(2, all.split("● everywhere.service", -1).length - 1, all);
        // each machine's part is its own: systemd's "Started" line carries the machine's hostname. Not the unit's
        // "hello from" line: systemctl status shows the current invocation's lines, and journald can record a
        // stdout line that came the instant the unit started without the invocation's id (journalctl -u shows it)
        assertTrue(all.contains(" m1 systemd[1]: Started everywhere.service.") && all.contains(" m2 systemd[1]: Started everywhere.service."), all);
        String one = c.fleetctl(env(m1), "status", "--machine", m2.machineId(), "everywhere.service").ok().out();
        assertEquals(1, one.split("● everywhere.service", -1).length - 1, one);
    }

    private HttpResponse<String> get(Machine at, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(SecureApi.url(at) + path)).timeout(Duration.ofSeconds(20));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void hostileRequestsGetClear4xx() throws Exception {
        Map<String, String> expect = Map.of(
                "/ops/v1/units/..%2F..%2Fetc%2Fpasswd/journal", "400",
                "/ops/v1/units/a%20b%3Brm.service/journal", "400",
                "/ops/v1/units/nosuch.service/journal", "404",
                "/ops/v1/units/fixed.service/journal?lines=1000000000", "400",
                "/ops/v1/units/fixed.service/journal?lines=-1", "400",
                "/ops/v1/units/fixed.service/journal?output=short%20--merge", "400",
                "/ops/v1/units/fixed.service/status?machine=zz", "400");
        for (Map.Entry<String, String> e : expect.entrySet()) {
            HttpResponse<String> r = get(m1, e.getKey(), secure.readToken);
            assertEquals(e.getValue(), Integer.toString(r.statusCode()), e.getKey() + ": " + r.body());
            assertTrue(r.body().startsWith("{\"error\":{\"code\":" + e.getValue() + ",\"message\":\""), r.body());
        }
        assertEquals(401, get(m1, "/ops/v1/units/fixed.service/journal", null).statusCode());
        assertEquals(200, get(m1, "/fleet/v1/machines", secure.readToken).statusCode());
    }

    @Test
    void aFollowerOfAQuietUnitOutlivesTheIdleTimeout() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(SecureApi.url(m1) + "/ops/v1/units/quiet.service/journal?follow=true&lines=0&output=cat"))
                .header("Authorization", "Bearer " + secure.readToken).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            // lines=0: nothing until quiet.service's next beat, up to QUIET away; the connection stays idle meanwhile
            byte[] beat = in.readNBytes("beat\n".length());
            assertEquals("beat\n", new String(beat, StandardCharsets.UTF_8));
            // the one after it comes a whole QUIET later: the relay (m1) and the source (m2) kept the stream open
            long t = System.nanoTime();
            beat = in.readNBytes("beat\n".length());
            assertEquals("beat\n", new String(beat, StandardCharsets.UTF_8), "after " + (System.nanoTime() - t) / 1_000_000 + " ms");
            assertTrue(System.nanoTime() - t > Duration.ofSeconds(30).toNanos(), "the stream was quiet longer than the idle timeout");
        }
    }

    @Test
    void clientCertificatesGiveTheirRolesToRawCallersAndToFleetctl() throws Exception {
        Map<String, String> roles = Map.of("admin", "write", "viewer", "read");
        for (Map.Entry<String, String> who : roles.entrySet()) {
            HttpClient client = withCertificate(who.getKey());
            HttpResponse<String> me = client.send(HttpRequest.newBuilder(URI.create(SecureApi.url(m1) + "/ops/v1/whoami")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, me.statusCode(), me.body());
            assertTrue(me.body().contains("\"" + who.getValue() + "\""), who.getKey() + ": " + me.body());
        }
        HttpResponse<String> forged = withCertificate("viewer").send(HttpRequest.newBuilder(URI.create(SecureApi.url(m1) + "/fleet/v1/units/fixed.service"))
                .method("PUT", HttpRequest.BodyPublishers.ofString("{\"desiredState\":\"inactive\"}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode(), forged.body());
        assertEquals("launched", c.fleetctl(env(m1), "list-unit-files", "--no-legend", "--fields", "unit,dstate").ok().lines().stream()
                .filter(l -> l.startsWith("fixed.service\t")).findFirst().orElse("").split("\t+")[1], "the forged change did nothing");
        // fleetctl with the admin certificate and no token, as fleet's own fleetctl authenticates (--cert-file, --key-file)
        Map<String, String> cert = new HashMap<>(env(m1));
        cert.put("FLEETCTL_API_TOKEN", "");
        cert.put("FLEETCTL_CERT_FILE", secure.credentials.adminCert().toString());
        cert.put("FLEETCTL_KEY_FILE", secure.credentials.adminKey().toString());
        assertEquals(lastLinesOnM2("fixed.service", 3), c.fleetctl(cert, "journal", "--lines", "3", "--output", "cat", "fixed.service").ok().out());
    }

    /** An https client that presents the local cluster's client certificate {@code name} (admin or viewer). */
    private HttpClient withCertificate(String name) throws Exception {
        boolean admin = name.equals("admin");
        KeyStore keys = org.fleetj.registry.tls.PemFiles.keyStore(admin ? secure.credentials.adminCert() : secure.credentials.viewerCert(), "cert",
                admin ? secure.credentials.adminKey() : secure.credentials.viewerKey(), "key", name, new char[0]);
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        return https(kmf.getKeyManagers());
    }

    /** An https client that trusts the cluster's CA, presenting {@code keys} when given. */
    private HttpClient https(javax.net.ssl.KeyManager[] keys) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(org.fleetj.registry.tls.PemFiles.trustStore(secure.caFile, "ca"));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keys, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * The journalctl processes on {@code machine} that follow chatty.service. Only chatty's: when a test before
     * closes its follower of quiet.service, each fleetd on the way (m1 relaying, m2 running journalctl) notices the
     * closed connection at its next quiet-stream check, so that journalctl outlives the test by a few seconds.
     */
    private int journalctls(String machine) {
        String out = c.local().sh(machine, "pgrep", "-c", "-f", "^journalctl --unit=chatty\\.service ").trimmed();
        return out.isEmpty() ? 0 : Integer.parseInt(out);
    }

    private long fleetdMemory(String machine) {
        // the resident memory of fleetd's JVM (a machine's cgroup has no memory accounting to ask instead)
        String rss = c.local().sh(machine, "sh", "-c", "grep VmRSS /proc/$(systemctl show -p MainPID --value fleetd)/status").trimmed();
        return Long.parseLong(rss.replaceAll("[^0-9]", "")) << 10;
    }

    @Test
    void aHundredFollowersAndAClientThatStopsReading() throws Exception {
        long before = fleetdMemory("m1");
        List<InputStream> followers = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(SecureApi.url(m1) + "/ops/v1/units/chatty.service/journal?follow=true&lines=1"))
                        .header("Authorization", "Bearer " + secure.readToken).build();
                HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, r.statusCode());
                followers.add(r.body());
            }
            for (InputStream in : followers) {
                byte[] some = in.readNBytes(512);
                assertTrue(new String(some, StandardCharsets.UTF_8).contains("chatter"), new String(some, StandardCharsets.UTF_8));
            }
            // every follower is served from m2 (where chatty runs), relayed through m1; fleetd still answers at once
            assertEquals(100, journalctls("m2"));
            assertEquals(200, get(m1, "/fleet/v1/units", secure.readToken).statusCode());
            long during = fleetdMemory("m1");
            System.out.printf("e2e_fleetd_memory_100_followers_mb=%d (before %d)%n", during >> 20, before >> 20);
            assertTrue(during - before < 96L << 20, "fleetd memory grew by " + ((during - before) >> 20) + " MiB with 100 followers");
        } finally {
            for (InputStream in : followers) in.close();
        }
        c.await("the followers' journalctl stop when they go away", () -> journalctls("m2") == 0);

        // a client that reads nothing while chatty writes ~5 KiB/s: cut off after fleetd's write stall, not buffered
        // a small receive window, so the kernel's buffers do not absorb minutes of chatter before fleetd's writes block
        Socket raw = new Socket();
        raw.setReceiveBufferSize(4096);
        raw.connect(new java.net.InetSocketAddress(m1.ip(), 49153), 5000);
        try (SSLSocket s = (SSLSocket) sslContext().getSocketFactory().createSocket(raw, m1.ip(), 49153, true)) {
            s.getOutputStream().write(("GET /ops/v1/units/chatty.service/journal?follow=true&lines=20000 HTTP/1.1\r\nHost: " + m1.ip()
                    + "\r\nAuthorization: Bearer " + secure.readToken + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            c.await("the stalled follower's journalctl runs", () -> journalctls("m2") == 1);
            // the window: the kernel buffers fill, then fleetd's 20 s write stall passes (m1's relay, then m2's)
            FleetCluster.await("a client that stopped reading is cut off", Duration.ofSeconds(120), () -> journalctls("m2") == 0);
        }
        assertEquals(200, get(m1, "/fleet/v1/units", secure.readToken).statusCode());
        assertEquals("active", c.activeState("m2", "chatty.service"), "the unit itself is untouched");
    }

    private SSLContext sslContext() {
        return http.sslContext();
    }
}
