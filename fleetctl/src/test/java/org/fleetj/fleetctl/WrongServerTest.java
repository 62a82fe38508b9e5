package org.fleetj.fleetctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * fleetctl pointed at something that is not a healthy fleet API (a wrong port, a proxy, a crashing
 * server): every command fails with a message naming the request and what came back, never "not found".
 * The server here is a few lines of raw HTTP so each answer is exactly what a test needs.
 */
class WrongServerTest {
    private ServerSocket server;
    private Thread thread;

    /** Serves {@code respond(requestLine)} (raw bytes: status line, headers, body) to every connection. */
    private String serve(Function<String, String> respond) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    String requestLine = in.readLine();
                    String line;
                    int length = 0;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                        if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                    }
                    for (int i = 0; i < length; i++) in.read();
                    String response = respond.apply(requestLine);
                    if (response == null) continue; // hang up without answering
                    OutputStream out = s.getOutputStream();
                    out.write(response.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    // closed: the test is over
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
        if (thread != null) thread.join(2000);
    }

    private static String response(String status, String contentType, String body) {
        return "HTTP/1.1 " + status + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
    }

    @Test
    void aPlain404IsNotAMissingUnit() throws Exception {
        // what etcd (or any other HTTP server) says to fleet's paths
        String url = serve(r -> response("404 Not Found", "text/plain; charset=utf-8", "404 page not found\n"));
        String unit = "Get " + url + "/fleet/v1/units/foo.service: unexpected response 404 Not Found";
        Cli.run(Map.of(), "--endpoint", url, "list-units").is(1, "",
                "Error retrieving list of units from repository: Get " + url + "/fleet/v1/state: unexpected response 404 Not Found\n");
        Cli.run(Map.of(), "--endpoint", url, "cat", "foo").is(1, "", "Error retrieving Unit foo.service: " + unit + "\n");
        Cli.run(Map.of(), "--endpoint", url, "destroy", "foo").is(1, "", unit + "\n");
        Cli.run(Map.of(), "--endpoint", url, "submit", "foo").is(1, "",
                "Error creating units: error retrieving Unit(foo.service) from Registry: " + unit + "\n");
    }

    @Test
    void fleetsOwnErrorsAreQuotedAsFleetDoes() throws Exception {
        String url = serve(r -> response("500 Internal Server Error", "application/json", "{\"error\":{\"code\":500,\"message\":\"registry unreachable\"}}"));
        Cli.run(Map.of(), "--endpoint", url, "list-unit-files").is(1, "",
                "Error retrieving list of units from repository: googleapi: Error 500: registry unreachable\n");
        Cli.run(Map.of(), "--endpoint", url, "stop", "foo").is(1, "", "googleapi: Error 500: registry unreachable\n");
    }

    @Test
    void bodiesThatAreNotFleetJsonAreReported() throws Exception {
        String url = serve(r -> r.contains("/machines") ? response("200 OK", "text/html", "<html>proxy login</html>")
                : response("200 OK", "application/json", "{\"units\":\"none\",\"states\":[{\"name\":5}]}"));
        Cli.Result machines = Cli.run(Map.of(), "--endpoint", url, "list-machines");
        assertEquals(1, machines.exit(), machines.toString());
        assertTrue(machines.err().startsWith("Error retrieving list of active machines from fleet API (Get " + url + "/fleet/v1/machines: "), machines.err());
        Cli.run(Map.of(), "--endpoint", url, "list-unit-files").is(1, "",
                "Error retrieving list of units from repository: Get " + url + "/fleet/v1/units: unexpected response: expected a JSON array for units\n");
        Cli.run(Map.of(), "--endpoint", url, "list-units").is(1, "",
                "Error retrieving list of units from repository: Get " + url + "/fleet/v1/state: unexpected response: expected a string for \"name\"\n");
    }

    @Test
    void aServerThatHangsUpIsReported() throws Exception {
        String url = serve(r -> null);
        Cli.run(Map.of(), "--endpoint", url, "list-units").is(1, "",
                "Error retrieving list of units from repository: Get " + url + "/fleet/v1/state: connection closed before a response arrived\n");
    }

    @Test
    void chunkedAndPagedAnswersAreRead() throws Exception {
        String url = serve(r -> {
            if (!r.startsWith("GET /fleet/v1/machines")) return response("404 Not Found", "text/plain", "no\n");
            String body = r.contains("nextPageToken=p2")
                    ? "{\"machines\":[{\"id\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"primaryIP\":\"10.0.0.2\",\"metadata\":{\"k\":\"v\"},\"extra\":[1,2.5e3,true,null]}]}"
                    : "{\"machines\":[{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"primaryIP\":\"10.0.0.1\"}],\"nextPageToken\":\"p2\"}";
            StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < body.length(); i += 7) {
                String part = body.substring(i, Math.min(body.length(), i + 7));
                chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
            }
            return chunked.append("0\r\n\r\n").toString();
        });
        Cli.run(Map.of(), "--endpoint", url, "list-machines").is(0, "MACHINE\t\tIP\t\tMETADATA\naaaaaaaa...\t10.0.0.1\t-\nbbbbbbbb...\t10.0.0.2\tk=v\n", "");
    }
}
