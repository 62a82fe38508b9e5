package org.fleetj.fleetctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fleetj.fleetd.api.ApiConfig;
import org.fleetj.fleetd.api.ApiServer;
import org.fleetj.fleetd.api.SocketActivation;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code https://} endpoints with fleet's --ca-file, --cert-file and --key-file (and their FLEETCTL_*
 * variables), against fleetd's real API server on a TLS listener that requires client certificates.
 * Certificates are made by openssl for each run.
 */
class TlsEndpointTest {
    private static final String TABLE = "MACHINE\t\tIP\t\tMETADATA\n3d1219c7...\t10.0.0.1\t-\n";
    private static Path dir;
    private static InMemoryRegistry registry;
    private static MachinePresence machine;
    private static ApiServer server;
    private static String endpoint;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "fleetctl-tls-");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=fleet test CA");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                "-days", "2", "-extfile", "san.ext");
        // the client key in the older PKCS#1 form ("BEGIN RSA PRIVATE KEY"), which fleet's users often have
        openssl("genrsa", "-traditional", "-out", "client.key", "2048");
        openssl("req", "-new", "-key", "client.key", "-out", "client.csr", "-subj", "/CN=fleetctl");
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "2");
        assertTrue(Files.readString(dir.resolve("client.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

        registry = new InMemoryRegistry();
        machine = registry.join(new MachineState(SimFleet.M1, "10.0.0.1", Map.of(), "test"), "tls-host", Duration.ofSeconds(30));
        ApiConfig config = ApiConfig.builder("0.1.0-test").noSocket().listen("https://127.0.0.1:0")
                .tls(dir.resolve("server.pem"), dir.resolve("server.key")).clientCa(dir.resolve("ca.pem")).build();
        server = new ApiServer(registry, config, new FleetMetrics(), SocketActivation.none());
        server.start();
        endpoint = "https://127.0.0.1:" + server.tcpEndpoints().get(0).getPort();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) server.close();
        if (machine != null) machine.close();
        if (registry != null) registry.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl " + String.join(" ", args) + " hung");
        assertEquals(0, p.exitValue(), "openssl " + String.join(" ", args) + ":\n" + output);
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void caAndClientCertificateFromFlags() {
        Cli.run(Map.of(), "--endpoint", endpoint, "--ca-file", file("ca.pem"), "--cert-file", file("client.pem"), "--key-file", file("client.key"),
                "list-machines").is(0, TABLE, "");
    }

    @Test
    void caAndClientCertificateFromTheEnvironment() {
        Cli.run(Map.of("FLEETCTL_ENDPOINT", endpoint, "FLEETCTL_CA_FILE", file("ca.pem"), "FLEETCTL_CERT_FILE", file("client.pem"),
                "FLEETCTL_KEY_FILE", file("client.key")), "list-machines").is(0, TABLE, "");
        Cli.run(Map.of(), "--endpoint", endpoint, "--etcd-cafile", file("ca.pem"), "--etcd-certfile", file("client.pem"),
                "--etcd-keyfile", file("client.key"), "list-machines").is(0, TABLE, "");
    }

    @Test
    void anUntrustedServerIsRefused() {
        Cli.Result r = Cli.run(Map.of(), "--endpoint", endpoint, "--cert-file", file("client.pem"), "--key-file", file("client.key"), "list-machines");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error retrieving list of active machines from fleet API (Get " + endpoint + "/fleet/v1/machines: TLS handshake with 127.0.0.1:"
                + endpoint.substring(endpoint.lastIndexOf(':') + 1) + " failed: "), r.err());
    }

    @Test
    void aServerRequiringClientCertificatesRefusesFleetctlWithoutOne() {
        Cli.Result r = Cli.run(Map.of(), "--endpoint", endpoint, "--ca-file", file("ca.pem"), "list-machines");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error retrieving list of active machines from fleet API (Get " + endpoint + "/fleet/v1/machines: "), r.err());
    }

    @Test
    void badTlsFilesAreNamed() {
        Cli.run(Map.of(), "--endpoint", endpoint, "--ca-file", file("ca.pem"), "--cert-file", file("client.pem"), "list-units")
                .is(1, "", "Error retrieving list of units from repository: --cert-file and --key-file must be given together\n");
        Cli.Result missing = Cli.run(Map.of(), "--endpoint", endpoint, "--ca-file", file("nosuch.pem"), "list-units");
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("Error retrieving list of units from repository: cannot read --ca-file " + file("nosuch.pem") + ": "), missing.err());
        Cli.run(Map.of(), "--endpoint", endpoint, "--ca-file", file("ca.pem"), "--cert-file", file("client.pem"), "--key-file", file("client.csr"),
                "list-units").is(1, "", "Error retrieving list of units from repository: --key-file " + file("client.csr")
                + " holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)\n");
    }
}
