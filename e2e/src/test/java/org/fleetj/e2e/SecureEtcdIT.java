package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.fleetj.testkit.ApiCredentials;
import org.fleetj.testkit.CommandResult;
import org.fleetj.testkit.CommandRunner;
import org.fleetj.testkit.EtcdClientTls;
import org.fleetj.testkit.EtcdGateway;
import org.fleetj.testkit.EtcdServerException;
import org.fleetj.testkit.FleetctlEnv;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The local cluster's etcd as {@code scripts/local-cluster up} makes it by default: https on the bridge and the
 * loopback, client certificates of etcd's own CA required from clients and from the other members. A real 2-machine
 * cluster with a 3-member etcd: whoever has no such certificate (none at all, the API's own CA, a CA made up by an
 * intruder) is refused and writes nothing; fleetd joins over TLS with its certificate; fleetctl's etcd driver works
 * with exactly what {@code scripts/local-cluster env --etcd} exports; the keys are root's alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureEtcdIT {
    private FleetCluster c;
    private EtcdClientTls admin;
    private Path work;

    @BeforeAll
    void boot() throws IOException {
        c = FleetCluster.up(2, LocalClusterOptions.defaults().etcdMembers(3));
        admin = c.local().etcdClientTls().orElseThrow(() -> new AssertionError("etcd over TLS is the local cluster's default"));
        work = Files.createDirectories(Path.of("target", "secure-etcd", c.local().name()).toAbsolutePath());
    }

    @AfterAll
    void down() {
        if (c != null) c.close();
    }

    @Test
    void everyEndpointIsHttpsAndTheHostOperatorsCertificateOpensIt() {
        for (String ep : c.local().etcdEndpoints().split(",")) {
            assertTrue(ep.startsWith("https://" + c.local().hostIp() + ":"), "an https endpoint on the bridge: " + ep);
            EtcdGateway gateway = new EtcdGateway(ep, admin);
            gateway.put("/secure-it/by-admin", ep);
            assertEquals(java.util.Optional.of(ep), gateway.get("/secure-it/by-admin"));
        }
    }

    @Test
    void aClientWithoutTheEtcdCasCertificateIsRefusedAndWritesNothing() throws Exception {
        String ep = c.local().etcdEndpoint();
        ApiCredentials api = c.local().apiCredentials().orElseThrow();
        EtcdClientTls intruder = intruderCertificate();
        Map<String, List<String>> refused = Map.of(
                "plain http", List.of("--endpoints=" + ep.replace("https://", "http://")),
                "https without a client certificate", List.of("--endpoints=" + ep, "--cacert=" + admin.caFile()),
                "the API's viewer certificate (the API's CA)", List.of("--endpoints=" + ep, "--cacert=" + admin.caFile(),
                        "--cert=" + api.viewerCert(), "--key=" + api.viewerKey()),
                "the API's admin certificate (the API's CA)", List.of("--endpoints=" + ep, "--cacert=" + admin.caFile(),
                        "--cert=" + api.adminCert(), "--key=" + api.adminKey()),
                "a certificate of another CA", List.of("--endpoints=" + ep, "--cacert=" + admin.caFile(),
                        "--cert=" + intruder.certFile(), "--key=" + intruder.keyFile()));
        EtcdGateway witness = new EtcdGateway(ep, admin);
        int i = 0;
        for (Map.Entry<String, List<String>> e : refused.entrySet()) {
            String key = "/secure-it/intruder-" + i++;
            CommandResult r = etcdctl(e.getValue(), "put", key, "written by " + e.getKey());
            assertNotEquals(0, r.exitCode(), e.getKey() + " must be refused: " + r.stdout() + r.stderr());
            assertEquals(java.util.Optional.empty(), witness.get(key), e.getKey() + " wrote nothing");
        }
        // the same over etcd's JSON gateway, a second client sharing no code with etcdctl
        assertThrows(EtcdServerException.class, () -> new EtcdGateway(ep, intruder).put("/secure-it/intruder-json", "x"));
        assertThrows(EtcdServerException.class, () -> new EtcdGateway(ep.replace("https://", "http://")).put("/secure-it/intruder-json", "x"));
        assertEquals(java.util.Optional.empty(), witness.get("/secure-it/intruder-json"));
        // and the control: etcdctl with the host operator's certificate writes
        CommandResult ok = etcdctl(List.of("--endpoints=" + ep, "--cacert=" + admin.caFile(), "--cert=" + admin.certFile(),
                "--key=" + admin.keyFile()), "put", "/secure-it/control", "admin");
        assertEquals(0, ok.exitCode(), ok.stderr());
        assertEquals(java.util.Optional.of("admin"), witness.get("/secure-it/control"));
    }

    @Test
    void thePeerPortsRefuseWhoeverHasNoEtcdCertificate() throws Exception {
        int clientPort = Integer.parseInt(c.local().settings().get("ETCD_CLIENT_PORT"));
        SSLContext noCertificate = trustOnly(admin.caFile());
        SSLContext otherCa = intruderCertificate().sslContext();
        for (int member = 1; member <= 3; member++) {
            int peerPort = clientPort + 2 * (member - 1) + 1;
            assertFalse(talks("127.0.0.1", peerPort, noCertificate), "member " + member + "'s peer port without a certificate");
            assertFalse(talks("127.0.0.1", peerPort, otherCa), "member " + member + "'s peer port with another CA's certificate");
            assertTrue(talks("127.0.0.1", peerPort, admin.sslContext()), "member " + member + "'s peer port with etcd's CA (the control)");
        }
        assertTrue(c.local().etcdLeader().isPresent(), "the members found each other over peer TLS and elected a leader");
    }

    @Test
    void fleetdJoinsOverTlsWithItsOwnCertificate() {
        for (Machine m : c.machines()) {
            String conf = c.local().sh(m.name(), "cat", "/etc/fleet/fleet.conf").requireSuccess().stdout();
            assertTrue(conf.contains("etcd_servers=https://"), m.name() + "'s fleet.conf: " + conf);
            assertTrue(conf.contains("etcd_certfile=") && conf.contains("etcd_keyfile=") && conf.contains("etcd_cafile="), conf);
            assertTrue(new EtcdGateway(c.local().etcdEndpoint(), admin).get(c.local().keyPrefix() + "machine/" + m.machineId()).isPresent(),
                    m.name() + " registered itself in etcd");
            String journal = c.local().sh(m.name(), "journalctl", "-u", "fleetd", "--no-pager").stdout();
            assertTrue(journal.contains("etcd registry: endpoints https://") && journal.contains(", TLS"), m.name() + "'s fleetd: " + journal);
        }
    }

    @Test
    void theKeysAreReadableByRootAlone() throws IOException {
        Set<PosixFilePermission> rootOnly = PosixFilePermissions.fromString("rw-------");
        for (Path key : List.of(admin.keyFile(), c.local().stateDir().resolve("tls/etcd-fleetd-key.pem"),
                c.local().stateDir().resolve("tls/etcd-server-key.pem"))) {
            assertEquals(rootOnly, Files.getPosixFilePermissions(key), key.toString());
            assertEquals("root", Files.getOwner(key).getName(), key.toString());
        }
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(admin.keyFile().getParent()));
        assertFalse(Files.exists(admin.caFile().resolveSibling("etcd-ca-key.pem")), "etcd's CA key is gone once its certificates are signed");
    }

    @Test
    void fleetctlWithTheEtcdDriverAndTheExportedVariablesListsAndStartsUnits() throws IOException {
        Map<String, String> env = c.env();
        assertEquals("etcd", env.get("FLEETCTL_DRIVER"));
        assertEquals(c.local().etcdEndpoints(), env.get("FLEETCTL_ENDPOINT"));
        assertEquals(admin.fleetctlEnv(), Map.of("FLEETCTL_CA_FILE", env.get("FLEETCTL_CA_FILE"), "FLEETCTL_CERT_FILE",
                env.get("FLEETCTL_CERT_FILE"), "FLEETCTL_KEY_FILE", env.get("FLEETCTL_KEY_FILE")));
        FleetctlProcess user = FleetctlProcess.in(work, env);
        FleetCluster.Run machines = user.fleetctl("list-machines", "--no-legend", "--full").ok();
        for (Machine m : c.machines()) assertTrue(machines.out().contains(m.machineId()), machines.out());
        Files.writeString(work.resolve("secure.service"), "[Service]\nExecStart=/bin/sleep infinity\n");
        user.fleetctl("start", "secure.service").ok();
        assertEquals(1, c.runningOn("secure.service").size(), "secure.service active in one machine's systemd");
        FleetCluster.Run units = user.fleetctl("list-units", "--no-legend").ok();
        assertTrue(units.out().startsWith("secure.service\t") && units.out().contains("\tactive\trunning"), units.out());

        // without the client certificate, the same fleetctl is refused
        Map<String, String> noCert = new java.util.HashMap<>(env);
        noCert.remove("FLEETCTL_CERT_FILE");
        noCert.remove("FLEETCTL_KEY_FILE");
        noCert.put("FLEETCTL_REQUEST_TIMEOUT", "3");
        FleetCluster.Run refused = FleetctlProcess.in(work, noCert).fleetctl("list-units");
        assertNotEquals(0, refused.exit(), "no client certificate: " + refused.out());
        // the API driver's variables replace etcd's CA and certificate (the API would not trust etcd's)
        Map<String, String> api = FleetctlEnv.merge(env, c.local().apiDriverEnv(c.machine("m1")));
        assertEquals(c.local().apiCredentials().orElseThrow().caFile().toString(), api.get("FLEETCTL_CA_FILE"));
        assertFalse(api.containsKey("FLEETCTL_CERT_FILE"), api.toString());
        FleetctlProcess.in(work, api).fleetctl("list-units").ok();
    }

    private CommandResult etcdctl(List<String> connection, String... command) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--dial-timeout=2s", "--command-timeout=4s"));
        cmd.addAll(connection);
        cmd.addAll(List.of(command));
        return CommandRunner.run(cmd, Map.of("ETCDCTL_API", "3"), Duration.ofSeconds(30));
    }

    /** A CA of the intruder's own and a client certificate it signed, made with openssl (once per run). */
    private EtcdClientTls intruderCertificate() throws IOException {
        Path ca = work.resolve("intruder-ca.pem");
        Path caKey = work.resolve("intruder-ca-key.pem");
        Path cert = work.resolve("intruder.pem");
        Path key = work.resolve("intruder-key.pem");
        if (!Files.exists(cert)) {
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=intruder CA", "-addext", "basicConstraints=critical,CA:TRUE", "-keyout", caKey.toString(), "-out", ca.toString());
            Path csr = work.resolve("intruder.csr");
            openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=admin",
                    "-keyout", key.toString(), "-out", csr.toString());
            Path ext = work.resolve("intruder.ext");
            Files.writeString(ext, "extendedKeyUsage=clientAuth\n");
            openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
                    "-days", "1", "-extfile", ext.toString(), "-out", cert.toString());
        }
        // trusts etcd's CA (so the handshake gets as far as presenting the intruder's certificate)
        return new EtcdClientTls(admin.caFile(), cert, key);
    }

    private static void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        CommandResult r = CommandRunner.run(cmd, Duration.ofSeconds(30));
        if (!r.succeeded()) throw new AssertionError("openssl " + String.join(" ", args) + ": " + r.stderr());
    }

    private static SSLContext trustOnly(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Whether the server at host:port answers an HTTP request over TLS with this context. Under TLS 1.3 a refused
     * client certificate shows only at the first read, so the request is sent and an answer awaited.
     */
    private static boolean talks(String host, int port, SSLContext ctx) {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(host, port), 3000);
            s.setSoTimeout(5000);
            s.startHandshake();
            s.getOutputStream().write(("GET /version HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/");
        } catch (IOException e) {
            return false;
        }
    }
}
