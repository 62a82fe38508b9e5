package org.fleetj.fleetd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fleetj.fleetd.config.ConfigLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * fleetd's entry point refuses to start on every bad value of every fleet.conf option: exit status 78 (EX_CONFIG,
 * which fleetd.service lists in RestartPreventExitStatus) and one line on stderr naming the option. Every option
 * fleetd knows has at least one case here (checked), so a new option cannot be added without one.
 * {@code FleetdBadConfigIT} runs the same through {@code bin/fleetd} as a real process.
 */
class FleetdBadConfigTest {
    @TempDir
    Path dir;
    private Path machineId;
    private Path readable;

    @BeforeEach
    void files() throws IOException {
        machineId = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        readable = Files.writeString(dir.resolve("some.pem"), "not checked for content here\n");
    }

    /** option, bad value, and extra fleet.conf lines that make only that value wrong. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("etcd_servers", "''", ""),
                Arguments.of("etcd_servers", "ftp://10.0.0.1:2379", ""),
                Arguments.of("etcd_servers", "[\"http://10.0.0.1:2379\"", ""),
                Arguments.of("etcd_key_prefix", "fleet/", ""),
                Arguments.of("etcd_request_timeout", "soon", ""),
                Arguments.of("etcd_request_timeout", "-1", ""),
                Arguments.of("etcd_cafile", "/nonexistent/ca.pem", ""),
                Arguments.of("etcd_cafile", "@DIR@", ""),
                Arguments.of("etcd_certfile", "/nonexistent/cert.pem", "etcd_keyfile=@PEM@"),
                Arguments.of("etcd_certfile", "@PEM@", ""),
                Arguments.of("etcd_keyfile", "/nonexistent/key.pem", "etcd_certfile=@PEM@"),
                Arguments.of("etcd_keyfile", "@PEM@", ""),
                Arguments.of("etcd_username", "fleet", ""),
                Arguments.of("etcd_password", "hunter2-secret", ""),
                Arguments.of("public_ip", "not-an-ip!", ""),
                Arguments.of("metadata", "region", ""),
                Arguments.of("metadata", "bad key=x", ""),
                Arguments.of("agent_ttl", "100ms", ""),
                Arguments.of("agent_ttl", "30 seconds", ""),
                Arguments.of("engine_reconcile_interval", "0", ""),
                Arguments.of("engine_reconcile_interval", "often", ""),
                Arguments.of("units_directory", "relative/units", ""),
                Arguments.of("systemd_user", "maybe", ""),
                Arguments.of("disable_engine", "2", ""),
                Arguments.of("token_limit", "0", ""),
                Arguments.of("token_limit", "lots", ""),
                Arguments.of("verbosity", "7", ""),
                Arguments.of("api_socket", "fleet.sock", ""),
                Arguments.of("api_socket_group", "no-such-group-fleetj", ""),
                Arguments.of("listen", "0.0.0.0:49153", ""),
                Arguments.of("listen", "unix:///run/fleet.sock", ""),
                Arguments.of("listen", "https://127.0.0.1:49153", ""),
                Arguments.of("listen_certfile", "/nonexistent/cert.pem", "listen=https://127.0.0.1:1\nlisten_keyfile=@PEM@"),
                Arguments.of("listen_certfile", "@PEM@", "listen_keyfile=@PEM@"),
                Arguments.of("listen_keyfile", "/nonexistent/key.pem", "listen=https://127.0.0.1:1\nlisten_certfile=@PEM@"),
                Arguments.of("listen_keyfile", "@PEM@", "listen=https://127.0.0.1:1"),
                Arguments.of("listen_cafile", "/nonexistent/ca.pem", "listen=https://127.0.0.1:1\nlisten_certfile=@PEM@\nlisten_keyfile=@PEM@"),
                Arguments.of("listen_cafile", "@PEM@", ""),
                Arguments.of("stop_on_disconnect_after", "soon", ""),
                Arguments.of("machine_id_file", "/nonexistent/machine-id", ""),
                Arguments.of("machine_id_file", "@PEM@", ""),
                Arguments.of("machine_id_file", "machine-id", ""),
                Arguments.of("dbus_address", "not a bus address", ""),
                Arguments.of("api_tokens", "admin:admin-token-0123456789", ""),
                Arguments.of("api_tokens", "write:short-secret", ""),
                Arguments.of("api_tokens", "write-token-0123456789", ""),
                Arguments.of("api_readonly_cns", "viewer", ""),
                Arguments.of("cluster_secret", "short-secret", ""),
                Arguments.of("api_advertise_url", "10.0.0.1:49153", ""),
                Arguments.of("capacity_cpu", "many", ""),
                Arguments.of("capacity_cpu", "-2", ""),
                Arguments.of("capacity_memory", "1Q", ""),
                Arguments.of("reserved_cpu", "0.0001", ""),
                Arguments.of("reserved_memory", "lots", ""),
                Arguments.of("placement_ranking", "random", ""),
                Arguments.of("drain_batch_size", "0", ""));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void everyBadValueStopsFleetdWithExit78NamingTheOption(String option, String value, String extra) throws IOException {
        String v = subst(value);
        StringBuilder conf = new StringBuilder();
        if (!option.equals("machine_id_file")) conf.append("machine_id_file=").append(machineId).append('\n');
        if (!extra.isEmpty()) conf.append(subst(extra)).append('\n');
        conf.append(option).append('=').append(v).append('\n');
        Path file = Files.writeString(dir.resolve("fleet.conf"), conf.toString());
        Result r = run(List.of("--config", file.toString()));
        assertEquals(Fleetd.EXIT_CONFIG, r.exit, "exit status for " + option + "=" + v + "; stderr: " + r.err);
        assertTrue(r.err.startsWith("fleetd: ") && r.err.contains(option), "stderr names " + option + ": " + r.err);
        assertEquals(1, r.err.strip().lines().count(), "one line: " + r.err);
        assertEquals("", r.out);
        if (Set.of("etcd_password", "api_tokens", "cluster_secret").contains(option)) {
            assertFalse(r.err.contains(v.substring(v.indexOf(':') + 1)), "the secret itself is never printed: " + r.err);
        }
        // the same value as a flag is refused the same way
        if (extra.isEmpty() && !option.equals("machine_id_file")) {
            Result flag = run(List.of("--config", Files.writeString(dir.resolve("base.conf"), "machine_id_file=" + machineId + "\n").toString(),
                    "--" + option + "=" + unquoteEmpty(v)));
            assertEquals(Fleetd.EXIT_CONFIG, flag.exit, flag.err);
            assertTrue(flag.err.contains(option), flag.err);
        }
    }

    @Test
    void everyOptionHasABadValueCase() {
        Set<String> covered = badValues().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ConfigLoader.optionNames()), covered);
    }

    @Test
    void unknownFlagsAndStrayArgumentsAreConfigErrorsToo() {
        Result unknown = run(List.of("--no-such-option=1"));
        assertEquals(Fleetd.EXIT_CONFIG, unknown.exit);
        assertTrue(unknown.err.contains("--no-such-option"), unknown.err);
        Result stray = run(List.of("stray"));
        assertEquals(Fleetd.EXIT_CONFIG, stray.exit);
        assertTrue(stray.err.contains("stray"), stray.err);
        Result missing = run(List.of("--config", dir.resolve("absent.conf").toString()));
        assertEquals(Fleetd.EXIT_CONFIG, missing.exit);
        assertTrue(missing.err.contains("absent.conf") && missing.err.contains("does not exist"), missing.err);
    }

    @Test
    void helpListsOptionsButNoValues() {
        Result help = run(List.of("--help", "--etcd_password=hunter2-secret"));
        assertEquals(0, help.exit);
        assertTrue(help.out.contains("etcd_password"), help.out);
        assertFalse(help.out.contains("hunter2-secret") || help.err.contains("hunter2-secret"), help.out + help.err);
    }

    private String subst(String s) {
        return s.replace("@PEM@", readable.toString()).replace("@DIR@", dir.toString());
    }

    private static String unquoteEmpty(String v) {
        return v.equals("''") ? "" : v;
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Fleetd.run(args.toArray(String[]::new), Map.of(), o, e);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
