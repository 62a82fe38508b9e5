package org.fleetj.fleetctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * fleet's FLEETCTL_&lt;FLAG&gt; variables: every global flag can come from the environment, an empty
 * variable is ignored, and the command line wins (before or after the command name).
 */
class EnvironmentTest {
    private static final String HOME = System.getProperty("user.home");

    /** Runs list-machines and returns the global options the invocation was given, without connecting anywhere. */
    private static GlobalOptions optionsOf(Map<String, String> env, String... args) {
        AtomicReference<GlobalOptions> seen = new AtomicReference<>();
        ClientFactory capture = session -> {
            seen.set(session.options());
            throw new ClientInitException("options captured", null);
        };
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "list-machines";
        Cli.run(env, capture, all).is(1, "", "Unable to initialize client: options captured\n");
        return seen.get();
    }

    @Test
    void defaultsAreFleets() {
        GlobalOptions o = optionsOf(Map.of());
        assertEquals("unix:///var/run/fleet.sock", o.endpoint());
        assertEquals("api", o.driver());
        assertEquals("/fleet/", o.etcdKeyPrefix(), "our key layout's prefix (docs/design.md), not fleet's /_coreos.com/fleet/");
        assertEquals("", o.caFile());
        assertEquals("", o.certFile());
        assertEquals("", o.keyFile());
        assertEquals(HOME + "/.fleetctl/known_hosts", o.knownHostsFile());
        assertTrue(o.strictHostKeyChecking());
        assertEquals("core", o.sshUsername());
        assertEquals(10_000, o.sshTimeoutMillis());
        assertEquals("", o.tunnel());
        assertEquals(3_000, o.requestTimeoutMillis());
        assertEquals(false, o.debug());
        assertEquals("", o.identityFile());
    }

    @Test
    void everyGlobalFlagComesFromItsVariable() {
        Map<String, String> env = new HashMap<>();
        env.put("FLEETCTL_ENDPOINT", "http://10.0.0.1:49153");
        env.put("FLEETCTL_DRIVER", "etcd");
        env.put("FLEETCTL_ETCD_KEY_PREFIX", "/other/");
        env.put("FLEETCTL_CA_FILE", "/ca.pem");
        env.put("FLEETCTL_CERT_FILE", "/cert.pem");
        env.put("FLEETCTL_KEY_FILE", "/key.pem");
        env.put("FLEETCTL_KNOWN_HOSTS_FILE", "~/kh");
        env.put("FLEETCTL_STRICT_HOST_KEY_CHECKING", "false");
        env.put("FLEETCTL_SSH_USERNAME", "admin");
        env.put("FLEETCTL_SSH_TIMEOUT", "2.5");
        env.put("FLEETCTL_TUNNEL", "bastion");
        env.put("FLEETCTL_REQUEST_TIMEOUT", "0.75");
        env.put("FLEETCTL_DEBUG", "true");
        env.put("FLEETCTL_IDENTITY_FILE", "~/.ssh/id_test");
        GlobalOptions o = optionsOf(env);
        assertEquals("http://10.0.0.1:49153", o.endpoint());
        assertEquals("etcd", o.driver());
        assertEquals("/other/", o.etcdKeyPrefix());
        assertEquals("/ca.pem", o.caFile());
        assertEquals("/cert.pem", o.certFile());
        assertEquals("/key.pem", o.keyFile());
        assertEquals(HOME + "/kh", o.knownHostsFile());
        assertEquals(false, o.strictHostKeyChecking());
        assertEquals("admin", o.sshUsername());
        assertEquals(2_500, o.sshTimeoutMillis());
        assertEquals("bastion:22", o.tunnel(), "fleet appends :22 when the tunnel has no port");
        assertEquals(750, o.requestTimeoutMillis());
        assertEquals(true, o.debug());
        assertEquals(HOME + "/.ssh/id_test", o.identityFile());
    }

    @Test
    void deprecatedAliasesAndExperimentalApi() {
        GlobalOptions o = optionsOf(Map.of("FLEETCTL_ETCD_CAFILE", "/old-ca.pem"), "--etcd-certfile=/old-cert.pem", "--etcd-keyfile", "/old-key.pem");
        assertEquals("/old-ca.pem", o.caFile());
        assertEquals("/old-cert.pem", o.certFile());
        assertEquals("/old-key.pem", o.keyFile());
        assertEquals("/new-ca.pem", optionsOf(Map.of("FLEETCTL_ETCD_CAFILE", "/old-ca.pem"), "--ca-file=/new-ca.pem").caFile());
        assertEquals("etcd", optionsOf(Map.of(), "--experimental-api=false").driver(), "as in fleet, the legacy switch forces the etcd driver");
        assertEquals("etcd", optionsOf(Map.of("FLEETCTL_EXPERIMENTAL_API", "false")).driver());
        assertEquals("api", optionsOf(Map.of(), "--driver=API").driver());
        assertEquals("bastion:2222", optionsOf(Map.of(), "--tunnel", "bastion:2222").tunnel());
        assertEquals("[fe80::1]:22", optionsOf(Map.of(), "--tunnel", "[fe80::1]").tunnel());
    }

    @Test
    void theCommandLineWinsBeforeOrAfterTheCommand() {
        Map<String, String> env = Map.of("FLEETCTL_ENDPOINT", "http://from-env:1", "FLEETCTL_SSH_USERNAME", "env-user",
                "FLEETCTL_STRICT_HOST_KEY_CHECKING", "false", "FLEETCTL_REQUEST_TIMEOUT", "9");
        GlobalOptions before = optionsOf(env, "--endpoint", "http://from-flag:2", "--ssh-username=flag-user", "--strict-host-key-checking");
        assertEquals("http://from-flag:2", before.endpoint());
        assertEquals("flag-user", before.sshUsername());
        assertEquals(true, before.strictHostKeyChecking());
        assertEquals(9_000, before.requestTimeoutMillis(), "variables of flags not given still apply");

        AtomicReference<GlobalOptions> seen = new AtomicReference<>();
        ClientFactory capture = session -> {
            seen.set(session.options());
            throw new ClientInitException("options captured", null);
        };
        Cli.run(env, capture, "list-units", "--request-timeout", "1", "--endpoint=http://after:3").is(1, "", "Unable to initialize client: options captured\n");
        assertEquals("http://after:3", seen.get().endpoint());
        assertEquals(1_000, seen.get().requestTimeoutMillis());
    }

    @Test
    void emptyVariablesAreIgnored() {
        GlobalOptions o = optionsOf(Map.of("FLEETCTL_ENDPOINT", "", "FLEETCTL_SSH_USERNAME", ""));
        assertEquals("unix:///var/run/fleet.sock", o.endpoint());
        assertEquals("core", o.sshUsername());
    }

    @Test
    void endpointAndDriverFromTheEnvironmentReachARealCluster() {
        try (SimFleet f = new SimFleet(SimFleet.Transport.TCP)) {
            f.machine(SimFleet.M1, "10.0.0.1", Map.of("role", "web"));
            String table = "MACHINE\t\tIP\t\tMETADATA\n3d1219c7...\t10.0.0.1\trole=web\n";
            Cli.run(Map.of("FLEETCTL_ENDPOINT", f.cluster.tcpEndpoint()), "list-machines").is(0, table, "");
            Cli.run(Map.of("FLEETCTL_ENDPOINT", f.cluster.unixEndpoint(), "FLEETCTL_DRIVER", "API"), "list-machines").is(0, table, "");
            Cli.run(Map.of("FLEETCTL_ENDPOINT", "http://127.0.0.1:1"), "--endpoint", f.cluster.tcpEndpoint(), "list-machines").is(0, table, "");
            Cli.run(Map.of("FLEETCTL_ENDPOINT", "nonsense"), "list-machines", "--endpoint=" + f.cluster.unixEndpoint()).is(0, table, "");
            Cli.run(Map.of("FLEETCTL_ENDPOINT", f.cluster.tcpEndpoint(), "FLEETCTL_DRIVER", "bogus"), "list-machines")
                    .is(1, "", "Unable to initialize client: unrecognized driver \"bogus\"\n");
            Cli.Result debug = Cli.run(Map.of("FLEETCTL_ENDPOINT", f.cluster.tcpEndpoint(), "FLEETCTL_DEBUG", "true"), "list-machines");
            assertEquals(0, debug.exit(), debug.toString());
            assertEquals(table, debug.out());
            assertTrue(debug.err().matches("\\S+ DEBUG API driver: " + f.cluster.tcpEndpoint().replace(".", "\\.") + "\n"), debug.err());
        }
    }
}
