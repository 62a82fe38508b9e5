package org.fleetj.fleetd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real launcher ({@code bin/fleetd}, a new JVM on the built jar) with a bad fleet.conf: exit status 78 and a
 * message naming the option, one case per kind of check ({@link FleetdBadConfigTest} covers every option in-process).
 */
class FleetdBadConfigIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "agent_ttl|100ms",
            "etcd_servers|ftp://10.0.0.1:2379",
            "etcd_cafile|/nonexistent/ca.pem",
            "etcd_password|hunter2-secret",
            "api_socket_group|no-such-group-fleetj",
            "listen|https://127.0.0.1:49153",
            "dbus_address|not a bus address",
    })
    void binFleetdExits78NamingTheOption(String option, String value) throws Exception {
        Path machineId = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        Path conf = Files.writeString(dir.resolve("fleet.conf"), "machine_id_file=" + machineId + "\n" + option + "=" + value + "\n");
        Path fleetd = Path.of("..", "bin", "fleetd").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(fleetd.toString(), "--config", conf.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/fleetd did not exit");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(78, p.exitValue(), "stderr: " + err);
        assertTrue(err.startsWith("fleetd: invalid value for " + option) || err.startsWith("fleetd: ") && err.contains(option), err);
        assertEquals("", out);
        assertFalse(err.contains("hunter2-secret"), err);
    }
}
