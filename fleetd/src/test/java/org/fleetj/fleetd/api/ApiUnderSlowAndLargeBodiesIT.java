package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;
import org.fleetj.testkit.EtcdServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 items 2 and 9, on fleetd's real API server over a real etcd: clients that send their bodies slowly
 * cannot starve the others (the report: 30–40 such connections blocked every request on the TCP listener and the
 * unix socket), and concurrent large bodies cannot hold more memory than the body budget.
 */
class ApiUnderSlowAndLargeBodiesIT {
    /** Slow clients: more than the API's threads (32) and than the 40 that starved fleetd in the report. */
    private static final int SLOW_CLIENTS = 60;
    /** What a normal request may take while the slow clients are connected: a normal answer takes milliseconds. */
    private static final int NORMAL_ANSWER_MS = 5_000;

    private EtcdServer etcd;
    private EtcdRegistry registry;
    private ApiFixture api;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start();
        registry = EtcdRegistry.open(EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix("/slow/").build());
        api = new ApiFixture(registry, b -> b);
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) s.close();
        if (api != null) api.close();
        if (registry != null) registry.close();
        if (etcd != null) etcd.close();
    }

    private Socket open() throws IOException {
        URI uri = api.server.tcpEndpoints().get(0);
        Socket s = new Socket();
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        sockets.add(s);
        return s;
    }

    /** Sends a PUT's head declaring {@code length} body bytes, and {@code sent} of them. */
    private Socket startPut(String unit, int length, byte[] body, int sent) throws IOException {
        Socket s = open();
        OutputStream out = s.getOutputStream();
        out.write(("PUT /fleet/v1/units/" + unit + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, sent);
        out.flush();
        return s;
    }

    private static byte[] unitBody(int length) {
        String json = "{\"desiredState\":\"inactive\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}";
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) ' ');
        byte[] j = json.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(j, 0, b, 0, j.length);
        return b;
    }

    /** The status line and body of the answer on {@code s}, waiting at most {@code ms}. */
    private static String answer(Socket s, int ms) throws IOException {
        s.setSoTimeout(ms);
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[8192];
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                break;
            }
            if (n < 0) break;
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            String text = sb.toString();
            int head = text.indexOf("\r\n\r\n");
            if (head >= 0) {
                int cl = text.toLowerCase().indexOf("content-length:");
                if (cl < 0 || cl > head) break;
                int len = Integer.parseInt(text.substring(cl + 15, text.indexOf("\r\n", cl)).trim());
                if (text.length() - head - 4 >= len) break;
            }
        }
        return sb.toString();
    }

    @Test
    void slowBodiesDoNotStarveANormalClient() throws Exception {
        byte[] body = unitBody(100_000);
        for (int i = 0; i < SLOW_CLIENTS; i++) startPut("slow-" + i + ".service", body.length, body, 1);
        RawHttp unix = api.unix();
        RawHttp tcp = api.tcp();
        for (int round = 0; round < 10; round++) {
            long t = System.nanoTime();
            assertEquals(200, tcp.get("/fleet/v1/units").status());
            assertEquals(200, unix.get("/fleet/v1/machines").status());
            Socket put = startPut("normal-" + round + ".service", body.length, body, body.length);
            String answer = answer(put, NORMAL_ANSWER_MS);
            assertTrue(answer.startsWith("HTTP/1.1 201"), "a normal PUT is answered beside " + SLOW_CLIENTS + " slow ones: " + answer);
            long ms = (System.nanoTime() - t) / 1_000_000;
            assertTrue(ms < NORMAL_ANSWER_MS, "round " + round + " took " + ms + " ms");
        }
        assertTrue(registry.job("normal-9.service").isPresent());
        // a slow client is cut off once it sends below the minimum data rate: a byte two seconds later ends it
        Socket slow = sockets.get(0);
        slow.getOutputStream().write('x');
        slow.getOutputStream().flush();
        slow.getOutputStream().write('x');
        String cut = answer(slow, (int) ApiServer.IDLE_TIMEOUT_MS + 5_000);
        assertTrue(cut.isEmpty() || cut.startsWith("HTTP/1.1 4"), "the slow client was answered with an error or closed: " + cut);
        assertTrue(registry.job("slow-0.service").isEmpty(), "nothing was created from a body never completed");
    }

    @Test
    void concurrentLargeBodiesAreBoundedByTheBodyBudget() throws Exception {
        int size = 1_000_000;
        byte[] body = unitBody(size);
        int fit = BodyBudget.DEFAULT_BYTES / size; // 8 such bodies fit at once
        List<Socket> all = new ArrayList<>();
        for (int i = 0; i < fit + 4; i++) all.add(startPut("big-" + i + ".service", size, body, 1));
        // which ones the server took first is up to its threads: exactly those beyond the budget are refused at once,
        // naming the limit, with nothing buffered; the others wait for their bodies
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(all.size());
        List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
        for (Socket s : all) answers.add(pool.submit(() -> answer(s, NORMAL_ANSWER_MS)));
        List<Socket> held = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < all.size(); i++) {
            String answer = answers.get(i).get();
            if (answer.isEmpty()) {
                held.add(all.get(i));
            } else {
                assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                assertTrue(answer.contains("too many large request bodies are being received at once"), answer);
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(4, refused, "the bodies beyond the 8 MiB budget");
        // the held ones complete and are created; their room is given back
        for (int i = 0; i < held.size(); i++) {
            held.get(i).getOutputStream().write(body, 1, size - 1);
            held.get(i).getOutputStream().flush();
        }
        for (Socket s : held) {
            String answer = answer(s, 20_000);
            assertTrue(answer.startsWith("HTTP/1.1 201"), answer);
        }
        Socket after = startPut("big-after.service", size, body, size);
        String answer = answer(after, 20_000);
        assertTrue(answer.startsWith("HTTP/1.1 201"), "the budget is free again: " + answer);
        assertEquals(fit + 1, registry.jobs().size());
    }
}
