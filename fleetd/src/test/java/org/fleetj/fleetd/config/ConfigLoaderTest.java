package org.fleetj.fleetd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path conf(String text) throws IOException {
        Path p = dir.resolve("fleet.conf");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void defaultsWhenNoFileExists() throws Exception {
        FleetConfig c = new ConfigLoader().load(List.of("--config=" + dir.resolve("absent.conf")).subList(0, 0), Map.of());
        assertEquals(List.of("http://127.0.0.1:2379"), c.etcdServers());
        assertEquals("/fleet/", c.etcdKeyPrefix());
        assertEquals(Duration.ofSeconds(30), c.agentTtl());
        assertEquals(Duration.ofSeconds(2), c.engineReconcileInterval());
        assertEquals(Path.of("/run/fleet/units"), c.unitsDirectory());
        assertEquals(100, c.tokenLimit());
        assertFalse(c.disableEngine());
        assertTrue(c.stopOnDisconnectAfter().isEmpty());
    }

    @Test
    void fileThenEnvThenFlagsWin() throws Exception {
        Path p = conf("""
                # fleet.conf as fleet documented it
                etcd_servers=["http://10.0.0.1:2379","http://10.0.0.2:2379"]
                metadata="region=us-west,az=us-west-1"
                public_ip=10.0.0.5
                agent_ttl=1m30s
                disable_engine=true
                verbosity=1
                """);
        ConfigLoader loader = new ConfigLoader();
        FleetConfig c = loader.load(List.of("--config", p.toString(), "--verbosity=2"),
                Map.of("FLEET_PUBLIC_IP", "10.0.0.6", "FLEET_VERBOSITY", "0", "FLEET_AGENT_TTL", ""));
        assertEquals(List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379"), c.etcdServers());
        assertEquals(Map.of("region", "us-west", "az", "us-west-1"), c.metadata());
        assertEquals("10.0.0.6", c.publicIp(), "env overrides file");
        assertEquals(2, c.verbosity(), "flag overrides env");
        assertEquals(Duration.ofSeconds(90), c.agentTtl(), "empty env var is ignored");
        assertTrue(c.disableEngine());
        assertTrue(loader.warnings().isEmpty(), loader.warnings().toString());
    }

    @Test
    void unknownFileKeyIsAWarningUnknownFlagAnError() throws Exception {
        Path p = conf("no_such_option=1\nverify_units=true\n");
        ConfigLoader loader = new ConfigLoader();
        loader.load(List.of("--config=" + p), Map.of());
        assertEquals(2, loader.warnings().size(), loader.warnings().toString());
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(List.of("--bogus=1"), Map.of()));
        assertTrue(e.getMessage().contains("--bogus"), e.getMessage());
    }

    @Test
    void explicitMissingConfigFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader().load(List.of("--config", dir.resolve("nope.conf").toString()), Map.of()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void sectionsAreRejected() throws Exception {
        Path p = conf("[fleet]\npublic_ip=1.2.3.4\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(List.of("--config=" + p), Map.of()));
        assertTrue(e.getMessage().contains("[fleet]"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "etcd_servers|''",
            "etcd_servers|ftp://x:1",
            "etcd_key_prefix|fleet/",
            "etcd_request_timeout|zero",
            "etcd_request_timeout|-1",
            "agent_ttl|30 seconds",
            "agent_ttl|100ms",
            "agent_ttl|0s",
            "engine_reconcile_interval|0",
            "metadata|region",
            "metadata|bad key=x",
            "public_ip|not-an-ip!",
            "systemd_user|maybe",
            "disable_engine|2",
            "token_limit|0",
            "token_limit|lots",
            "verbosity|7",
            "listen|0.0.0.0:49153",
            "stop_on_disconnect_after|soon",
    })
    void everyBadValueNamesItsOption(String option, String value) throws Exception {
        Path p = conf(option + "=" + value + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(List.of("--config=" + p), Map.of()));
        assertTrue(e.getMessage().contains(option), "message names the option: " + e.getMessage());
        ConfigException viaFlag = assertThrows(ConfigException.class,
                () -> new ConfigLoader().load(List.of("--config=" + dir.resolve("none"), "--" + option + "=" + value).subList(1, 2), Map.of()));
        assertTrue(viaFlag.getMessage().contains(option), viaFlag.getMessage());
    }

    @Test
    void goDurationsAndSeconds() throws Exception {
        assertEquals(Duration.ofMillis(1500), ConfigValues.goDuration("x", "1.5s"));
        assertEquals(Duration.ofSeconds(3725), ConfigValues.goDuration("x", "1h2m5s"));
        assertEquals(Duration.ofSeconds(45), ConfigValues.goDuration("x", "45"));
        assertEquals(Duration.ofMillis(250), ConfigValues.seconds("x", "0.25"));
    }

    @Test
    void describeNeverShowsThePassword() throws Exception {
        FleetConfig c = new ConfigLoader().load(List.of("--etcd_password=s3cret", "--etcd-username=fleet"), Map.of());
        assertFalse(c.describe().contains("s3cret"));
        assertTrue(c.describe().contains("etcd_username=fleet"));
    }
}
