package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * fleetd as an operator runs it under systemd on a real cluster, installed from this build's Debian package: SIGHUP
 * reloads fleet.conf, SIGUSR1 dumps state,
 * disable_engine keeps a machine out of the election, a bad fleet.conf stops fleetd with a message naming the option
 * (and systemd does not restart it in a loop).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetdOpsIT {
    private FleetCluster c;

    @BeforeAll
    void boot() {
        c = FleetCluster.up(3, LocalClusterOptions.defaults()
                .metadata("m1", "role=web")
                .metadata("m2", "role=web")
                .metadata("m3", "role=db")
                .conf("m1", "disable_engine", "true")
                .conf("m2", "disable_engine", "true"));
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    private Path fleetConf(String machine) {
        return c.local().stateDir().resolve("machines").resolve(machine).resolve("fleet/fleet.conf");
    }

    private String journal(String machine) {
        return c.local().sh(machine, "journalctl", "-u", "fleetd", "--no-pager", "-o", "cat").stdout();
    }

    /**
     * The machines of every cluster the e2e tests boot run fleetd as the build's package installed it (issue 16:
     * "every test proves the package"): dpkg has both packages, systemd runs the package's unit, which runs the
     * package's launcher with the archive its postinst made, from the very jar this build packaged.
     */
    @Test
    void everyMachineRunsFleetdAsThisBuildsPackageInstalledIt() throws Exception {
        assertEquals("package", c.local().settings().get("FLEETD_FROM"),
                "the machines must run the build's packages (scripts/local-cluster up says why not): " + c.local().settings());
        Path target = FleetctlProcess.repoRoot().resolve("packaging/target");
        String version;
        try (var debs = Files.list(target)) {
            String deb = debs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("fleetd_") && n.endsWith("_all.deb"))
                    .findFirst().orElseThrow(() -> new AssertionError("no fleetd_*_all.deb in " + target));
            version = deb.substring("fleetd_".length(), deb.length() - "_all.deb".length());
        }
        Path layer = Path.of(c.local().settings().get("PACKAGE_LAYER"), "fs");
        assertEquals(-1L, Files.mismatch(FleetctlProcess.repoRoot().resolve("fleetd/target/fleetd.jar"),
                layer.resolve("usr/share/fleet/fleetd/fleetd.jar")), "the machines' fleetd.jar is this build's");
        for (Machine m : c.local().machines()) {
            String name = m.name();
            assertEquals("install ok installed " + version + "\ninstall ok installed " + version + "\n",
                    c.local().sh(name, "dpkg-query", "-W", "-f", "${Status} ${Version}\n", "fleetd", "fleetctl").requireSuccess().stdout(), name);
            String unit = c.local().sh(name, "systemctl", "show", "-p", "FragmentPath", "--value", "fleetd").trimmed();
            assertTrue(unit.endsWith("/lib/systemd/system/fleetd.service"), name + " runs the package's unit, not " + unit);
            String pid = c.local().sh(name, "systemctl", "show", "-p", "MainPID", "--value", "fleetd").trimmed();
            String cmdline = c.local().sh(name, "sh", "-c", "tr '\\0' ' ' </proc/" + pid + "/cmdline").requireSuccess().stdout();
            assertTrue(cmdline.contains("-XX:SharedArchiveFile=/var/cache/fleet/fleetd.jsa")
                    && cmdline.contains("-jar /usr/share/fleet/fleetd/fleetd.jar"), name + ": " + cmdline);
            assertEquals("/usr/bin/fleetctl", c.local().sh(name, "sh", "-c", "command -v fleetctl").trimmed(), name);
            assertTrue(c.local().sh(name, "getent", "group", "fleet").requireSuccess().stdout().startsWith("fleet:"), name);
            // the host's /var (every cluster's state) stays hidden behind the layer's own /var
            assertEquals(1, c.local().sh(name, "test", "-e", c.local().stateDir().resolve("cluster.env").toString()).exitCode(), name);
        }
    }

    @Test
    void onlyTheMachineWithTheEngineEnabledLeads() {
        Machine m3 = c.machine("m3");
        c.await("m3 leads", () -> c.engineLeader().map(m3.machineId()::equals).orElse(false));
        assertTrue(journal("m1").contains("engine disabled on this machine"), journal("m1"));
    }

    @Test
    void sighupReloadsMetadataWithoutRestartingAnything() throws Exception {
        c.fleetctl("start", "--block-attempts=20", c.unitFile("webby.service",
                SchedulingIT.unit("Web", "MachineMetadata=role=web\n"))).ok();
        String where = c.runningOn("webby.service").get(0);
        String identity = c.startIdentity(where, "webby.service");
        String fleetdPid = c.local().sh(where, "systemctl", "show", "-p", "MainPID", "--value", "fleetd").trimmed();

        Path conf = fleetConf(where);
        Files.writeString(conf, Files.readString(conf).replaceAll("(?m)^metadata=.*$", "metadata=role=web,disk=ssd"));
        c.local().sh(where, "systemctl", "kill", "-s", "HUP", "--kill-who=main", "fleetd").requireSuccess();
        String id = c.machine(where).machineId();
        c.await("list-machines shows the reloaded metadata", () -> c.fleetctl("list-machines", "--full", "--no-legend").ok().lines()
                .stream().anyMatch(l -> l.startsWith(id + "\t") && l.endsWith("\tdisk=ssd,role=web")));
        assertEquals(fleetdPid, c.local().sh(where, "systemctl", "show", "-p", "MainPID", "--value", "fleetd").trimmed(), "same fleetd");
        assertEquals(identity, c.startIdentity(where, "webby.service"), "no unit restarted by a reload");
        assertTrue(journal(where).contains("reload: announced"), journal(where));

        // a reload that changes something needing a restart says so, and keeps running
        Files.writeString(conf, Files.readString(conf).replaceAll("(?m)^agent_ttl=.*$", "agent_ttl=45s"));
        c.local().sh(where, "systemctl", "kill", "-s", "HUP", "--kill-who=main", "fleetd").requireSuccess();
        c.await("the log names the option that needs a restart", () -> journal(where).contains("agent_ttl changed"));
        c.fleetctl("destroy", "webby.service").ok();
    }

    @Test
    void sigusr1WritesAStateDump() {
        c.local().sh("m3", "systemctl", "kill", "-s", "USR1", "--kill-who=main", "fleetd").requireSuccess();
        c.await("a state dump in the journal", () -> journal("m3").contains("state dump: machine " + c.machine("m3").machineId()));
    }

    @Test
    void aBadConfigStopsFleetdNamingTheOptionAndSystemdDoesNotLoop() throws Exception {
        Path conf = fleetConf("m2");
        String good = Files.readString(conf);
        try {
            Files.writeString(conf, good.replaceAll("(?m)^agent_ttl=.*$", "agent_ttl=soon"));
            c.local().sh("m2", "systemctl", "restart", "fleetd").requireSuccess();
            c.await("fleetd on m2 stopped with EX_CONFIG", () -> c.local().sh("m2", "systemctl", "show", "-p", "ExecMainStatus",
                    "--value", "fleetd").trimmed().equals("78"));
            // two of fleetd.service's RestartSec: without RestartPreventExitStatus systemd would have started it again
            Duration twoRestartDelays = restartDelay("m2", "fleetd").multipliedBy(2);
            FleetCluster.holdsFor("fleetd on m2 stays down", twoRestartDelays,
                    () -> !c.local().sh("m2", "systemctl", "is-active", "fleetd").trimmed().equals("active"));
            assertNotEquals("active", c.local().sh("m2", "systemctl", "is-active", "fleetd").trimmed());
            assertTrue(journal("m2").contains("agent_ttl"), journal("m2"));
        } finally {
            Files.writeString(conf, good);
            c.local().sh("m2", "systemctl", "restart", "fleetd").requireSuccess();
        }
        c.await("m2 registered again", Duration.ofSeconds(60), () -> c.fleetctl("list-machines", "--no-legend").ok().lines().size() == 3);
    }

    @Test
    void aSocketHandedOverBySystemdServesTheApi() throws Exception {
        String m = "m1";
        String socketUnit = "[Unit]\nDescription=fleet API socket\n\n[Socket]\nListenStream=/var/run/fleet.sock\n"
                + "SocketMode=0660\nService=fleetd.service\n";
        // the JVM can take over one socket passed as standard input; stdout and stderr stay with the journal
        String dropIn = "[Unit]\nRequires=fleet.socket\nAfter=fleet.socket\n\n[Service]\nStandardInput=socket\n"
                + "StandardOutput=journal\nStandardError=journal\n";
        try {
            c.local().sh(m, "sh", "-c", "systemctl stop fleetd; rm -f /var/run/fleet.sock; "
                    + "printf '" + socketUnit + "' >/run/systemd/system/fleet.socket; "
                    + "mkdir -p /run/systemd/system/fleetd.service.d; "
                    + "printf '" + dropIn + "' >/run/systemd/system/fleetd.service.d/socket.conf; "
                    + "systemctl daemon-reload; systemctl start fleet.socket").requireSuccess();
            assertEquals("active", c.local().sh(m, "systemctl", "is-active", "fleet.socket").trimmed());
            String inode = c.local().sh(m, "stat", "-c", "%i", "/var/run/fleet.sock").trimmed();
            // the first connection starts fleetd, which serves the socket systemd opened
            c.await("fleetctl inside " + m + " over the activated socket", Duration.ofSeconds(60), () ->
                    c.local().sh(m, "sh", "-c", "fleetctl --request-timeout 10 list-machines --no-legend").stdout().lines().count() == 3);
            assertEquals("active", c.local().sh(m, "systemctl", "is-active", "fleetd").trimmed());
            assertTrue(journal(m).contains("unix:///var/run/fleet.sock"), journal(m));
            assertEquals("660", c.local().sh(m, "stat", "-c", "%a", "/var/run/fleet.sock").trimmed());
            assertEquals(inode, c.local().sh(m, "stat", "-c", "%i", "/var/run/fleet.sock").trimmed(),
                    "fleetd serves systemd's socket, it did not make its own");
        } finally {
            c.local().sh(m, "sh", "-c", "systemctl stop fleetd fleet.socket; rm -f /run/systemd/system/fleet.socket "
                    + "/run/systemd/system/fleetd.service.d/socket.conf; systemctl daemon-reload; systemctl start fleetd");
        }
        c.await(m + " registered again", Duration.ofSeconds(60), () -> c.fleetctl("list-machines", "--no-legend").ok().lines().size() == 3);
    }

    /** A unit's RestartSec as the machine's systemd has it (systemd-analyze reads its time span in microseconds). */
    private Duration restartDelay(String machine, String unit) {
        String span = c.local().sh(machine, "systemctl", "show", "-p", "RestartUSec", "--value", unit).trimmed();
        String micros = c.local().sh(machine, "systemd-analyze", "timespan", span).requireSuccess().stdout().lines()
                .map(String::strip).filter(l -> l.startsWith("μs:")).findFirst()
                .orElseThrow(() -> new AssertionError("no μs line from systemd-analyze timespan " + span)).substring(3).strip();
        return Duration.ofNanos(Long.parseLong(micros) * 1000);
    }
}
