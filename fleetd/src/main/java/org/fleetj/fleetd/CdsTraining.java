package org.fleetj.fleetd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fleetj.fleetd.api.ApiServer;
import org.fleetj.fleetd.config.ConfigLoader;
import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.fleetd.daemon.FleetDaemon;
import org.fleetj.fleetd.daemon.FleetdStartException;
import org.fleetj.fleetd.daemon.Logging;
import org.fleetj.fleetd.daemon.RegistryOpener;
import org.fleetj.fleetd.daemon.SystemdConnector;

/**
 * The training run behind fleetd's class-data-sharing archive ({@code bin/make-cds-archive}, run by the build for
 * {@code bin/fleetd} and by the package's postinst): starts fleetd's own start-up path as {@code fleetd} does, in a
 * scratch directory, against an etcd port nobody listens on and a D-Bus address that does not exist, and asks its
 * API what fleetctl asks. So the archive holds what a real start loads (logback, configuration, Jetty and the API,
 * Jackson, jetcd/gRPC/Netty up to a failed request, dbus-java up to a failed connection) without touching this
 * machine's etcd, systemd or units. Classes past those failures load from the jars as before.
 */
public final class CdsTraining {
    /** Requests of a fleetctl session and of the metrics scraper. */
    private static final List<String> REQUESTS = List.of("/fleet/v1/machines", "/fleet/v1/units", "/fleet/v1/state",
            "/fleet/v1/units/hello.service", "/metrics");

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("fleetd-cds-training-");
        try {
            train(dir);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        // fleetd's own threads are daemons or stopped; the registry client's are too
        System.exit(0);
    }

    private static void train(Path dir) throws Exception {
        // the entry point itself, up to where it would start the daemon
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Fleetd.run(new String[]{"--version"}, Map.of(), sink, sink);
        Path conf = dir.resolve("fleet.conf");
        Files.writeString(conf, String.join("\n",
                "etcd_servers=http://127.0.0.1:" + closedPort(),
                "etcd_request_timeout=0.5",
                "public_ip=127.0.0.1",
                "metadata=role=training",
                "api_socket=" + dir.resolve("fleet.sock"),
                "listen=http://127.0.0.1:0",
                "units_directory=" + dir.resolve("units"),
                "machine_id_file=" + Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n"),
                "dbus_address=unix:path=" + dir.resolve("no-bus"), ""));
        ConfigLoader loader = new ConfigLoader();
        FleetConfig config = loader.load(List.of("--config=" + conf), Map.of());
        FleetDaemon.apiConfig(config);
        Logging.applyVerbosity(config.verbosity());
        MachineIdentity identity = MachineIdentity.load(config.machineIdFile());
        try (FleetDaemon daemon = new FleetDaemon(config, identity, RegistryOpener.ETCD, SystemdConnector.DBUS)) {
            try {
                daemon.start();
            } catch (FleetdStartException expected) {
                // no D-Bus at that address: the API is up and the registry open, which is what the requests need
            }
            ApiServer api = daemon.api();
            if (api != null && !api.tcpEndpoints().isEmpty()) {
                for (String path : REQUESTS) get(api.tcpEndpoints().get(0), path);
            }
        }
    }

    /** One HTTP/1.1 GET over a plain socket (a client library would put its own classes in the archive). */
    private static void get(URI endpoint, String path) throws IOException {
        try (Socket s = new Socket(endpoint.getHost(), endpoint.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            in.readAllBytes();
        }
    }

    /** A loopback port nobody listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
