package org.fleetj.fleetctl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The training run behind {@code bin/fleetctl}'s class-data-sharing archive: plays the common commands
 * in-process against a loopback stand-in of fleetd's API that answers fixed documents, so the archive
 * holds the classes a real run loads (picocli, commands, HTTP client, JSON, tables, the etcd driver's lists through
 * etcd's JSON gateway (the stand-in answers {@code /v3/kv/txn} too), and jetcd/gRPC/Netty up to a failed first
 * request). Prints nothing.
 */
public final class CdsTraining {
    private static final String UNITS = "{\"units\":[{\"currentState\":\"launched\",\"desiredState\":\"launched\","
            + "\"machineID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"name\":\"hello.service\",\"options\":["
            + "{\"name\":\"Description\",\"section\":\"Unit\",\"value\":\"Hello\"}]}]}";
    private static final String UNIT = "{\"currentState\":\"launched\",\"desiredState\":\"launched\","
            + "\"machineID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"name\":\"hello.service\",\"options\":["
            + "{\"name\":\"Description\",\"section\":\"Unit\",\"value\":\"Hello\"}]}";
    private static final String STATES = "{\"states\":[{\"hash\":\"524c78430e3344e72e932522ab019c53b09e58ed\","
            + "\"machineID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"name\":\"hello.service\",\"systemdActiveState\":\"active\","
            + "\"systemdLoadState\":\"loaded\",\"systemdSubState\":\"running\"}]}";
    private static final String MACHINES = "{\"machines\":[{\"id\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\","
            + "\"metadata\":{\"role\":\"peer\"},\"primaryIP\":\"127.0.0.1\"}]}";

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> serve(server), "cds-training-api");
            responder.setDaemon(true);
            responder.start();
            String endpoint = "http://127.0.0.1:" + ((InetSocketAddress) server.getLocalSocketAddress()).getPort();
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            String[][] runs = {
                    {"list-units"}, {"list-unit-files"}, {"list-machines"}, {"list-units", "-o", "json"},
                    {"cat", "hello"}, {"start", "--no-block", "hello.service"}, {"version"}, {"help"}, {"list-units", "--fields", "x"},
            };
            for (String[] run : runs) {
                String[] argv = new String[run.length + 2];
                argv[0] = "--endpoint";
                argv[1] = endpoint;
                System.arraycopy(run, 0, argv, 2, run.length);
                Fleetctl.run(argv, Map.of(), new ByteArrayInputStream(new byte[0]), sink, sink, new DriverClientFactory());
            }
            Fleetctl.run(new String[]{"--endpoint", "unix:///nonexistent/fleet.sock", "list-units"}, Map.of(),
                    new ByteArrayInputStream(new byte[0]), sink, sink, new DriverClientFactory());
            // the etcd driver's lists, read through the stand-in's answers of etcd's JSON gateway
            for (String list : new String[]{"list-units", "list-unit-files", "list-machines"}) {
                Fleetctl.run(new String[]{"--driver=etcd", "--endpoint=" + endpoint, list}, Map.of(), new ByteArrayInputStream(new byte[0]),
                        sink, sink, new DriverClientFactory());
            }
            // the etcd driver up to its first request (jetcd, gRPC and Netty: most of that driver's start-up)
            Fleetctl.run(new String[]{"--driver", "etcd", "--endpoint", "http://127.0.0.1:" + closedPort(), "--request-timeout", "0.5",
                    "list-units"}, Map.of(), new ByteArrayInputStream(new byte[0]), sink, sink, new DriverClientFactory());
            // the SSH path up to connecting: a closed loopback port, a made-up agent, no known_hosts read
            org.fleetj.fleetctl.ssh.SshWarmup.run();
            Fleetctl.run(new String[]{"--endpoint", endpoint, "--known-hosts-file", "/nonexistent/known_hosts", "--ssh-timeout", "1",
                            "ssh", "--ssh-port", "1", "3d1219c7", "--", "true"}, Map.of("SSH_AUTH_SOCK", "/nonexistent/cds-training-agent"),
                    new ByteArrayInputStream(new byte[0]), sink, sink, new DriverClientFactory());
        }
    }

    private static final String MACHINE_ID = "3d1219c7c4c5404aaa1f6d2a48adfda4";
    private static final String UNIT_TEXT = "[Unit]\nDescription=Hello\n\n[Service]\nExecStart=/bin/sleep 1000\n";

    /** etcd's JSON gateway's answer to a transaction of prefix reads: one fleet record under each prefix asked. */
    private static String gatewayAnswer(String request) {
        String hash;
        try {
            hash = org.fleetj.unit.UnitFile.parse(UNIT_TEXT).hash().hex();
        } catch (org.fleetj.unit.UnitParseException e) {
            throw new IllegalStateException(e);
        }
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        java.util.regex.Matcher keys = java.util.regex.Pattern.compile("\"key\":\"([^\"]*)\"").matcher(request);
        StringBuilder out = new StringBuilder("{\"header\":{\"revision\":\"7\"},\"succeeded\":true,\"responses\":[");
        boolean first = true;
        while (keys.find()) {
            String prefix = new String(java.util.Base64.getDecoder().decode(keys.group(1)), StandardCharsets.UTF_8);
            String key;
            String value;
            if (prefix.endsWith("/job/")) {
                key = "job/hello.service";
                value = "{\"hash\":\"" + hash + "\",\"desiredState\":\"launched\",\"global\":false}";
            } else if (prefix.endsWith("/unit/")) {
                key = "unit/" + hash;
                value = UNIT_TEXT;
            } else if (prefix.endsWith("/schedule/")) {
                key = "schedule/" + MACHINE_ID + "/hello.service";
                value = "";
            } else if (prefix.endsWith("/state/")) {
                key = "state/hello.service/" + MACHINE_ID;
                value = "{\"hash\":\"" + hash + "\",\"loadState\":\"loaded\",\"activeState\":\"active\",\"subState\":\"running\","
                        + "\"applied\":\"launched\"}";
            } else if (prefix.endsWith("/machine/")) {
                key = "machine/" + MACHINE_ID;
                value = "{\"id\":\"" + MACHINE_ID + "\",\"publicIp\":\"127.0.0.1\",\"metadata\":{\"role\":\"peer\"},\"version\":\"0.1.0\"}";
            } else if (prefix.endsWith("/machine-meta/")) {
                key = "machine-meta/" + MACHINE_ID + "/disk";
                value = "ssd";
            } else {
                key = null;
                value = null;
            }
            out.append(first ? "" : ",").append("{\"response_range\":{\"header\":{\"revision\":\"7\"}");
            first = false;
            if (key != null) {
                String full = prefix.substring(0, prefix.length() - key.substring(0, key.indexOf('/') + 1).length()) + key;
                out.append(",\"kvs\":[{\"key\":\"").append(b64.encodeToString(full.getBytes(StandardCharsets.UTF_8)))
                        .append("\",\"create_revision\":\"5\",\"mod_revision\":\"6\",\"version\":\"2\"");
                if (!value.isEmpty()) out.append(",\"value\":\"").append(b64.encodeToString(value.getBytes(StandardCharsets.UTF_8))).append('"');
                out.append("}],\"count\":\"1\"");
            }
            out.append("}}");
        }
        return out.append("]}").toString();
    }

    /** A loopback port nobody listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    head.append((char) c);
                    if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) break;
                }
                String request = head.toString();
                int length = 0;
                for (String line : request.split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                }
                String requestBody = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                String path = request.split(" ", 3)[1];
                String body;
                int status = 200;
                if (path.equals("/v3/kv/txn")) body = gatewayAnswer(requestBody);
                else if (path.startsWith("/fleet/v1/units/")) body = request.startsWith("GET") ? UNIT : "";
                else if (path.startsWith("/fleet/v1/units")) body = UNITS;
                else if (path.startsWith("/fleet/v1/state")) body = STATES;
                else body = MACHINES;
                if (!request.startsWith("GET") && !path.equals("/v3/kv/txn")) status = 204;
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                String response = "HTTP/1.1 " + status + (status == 200 ? " OK" : " No Content") + "\r\nContent-Type: application/json\r\n"
                        + (status == 200 ? "Content-Length: " + bytes.length + "\r\n" : "") + "Connection: close\r\n\r\n";
                OutputStream out = s.getOutputStream();
                out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                if (status == 200) out.write(bytes);
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}
