package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fleetj.testkit.CommandResult;
import org.fleetj.testkit.CommandRunner;
import org.fleetj.testkit.LocalCluster;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each machine of the local cluster owns what a real machine owns (docs/local-cluster.md): a unit's writes under
 * /var/lib, /root, /home and / stay on its machine; a login runs the machine's own shell files, never the host's;
 * booting machines leaves the host's /tmp alone; every machine has a cgroup v2 hierarchy of its own, also when the
 * host itself is pure cgroup v2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MachineIsolationIT {
    private Path hostTmpMarker;
    private FleetCluster c;
    private FleetctlProcess user;

    @BeforeAll
    void boot() throws IOException {
        // made before any machine boots: systemd-tmpfiles in a machine that booted on the host's /tmp would remove it
        hostTmpMarker = Files.createTempFile(Path.of("/tmp"), "machine-isolation-it-", ".marker");
        c = FleetCluster.up(3, LocalClusterOptions.defaults());
        user = FleetctlProcess.in(FleetctlProcess.repoRoot(), c.env());
    }

    @AfterAll
    void tearDown() throws IOException {
        if (c != null) c.close();
        if (hostTmpMarker != null) Files.deleteIfExists(hostTmpMarker);
    }

    @Test
    void aUnitsWritesUnderVarLibRootHomeAndTheRootStayOnItsMachine() {
        String tag = "isolation-" + c.local().name();
        Machine m1 = c.machine("m1");
        List<String> paths = List.of("/var/lib/" + tag + "/state", "/root/" + tag, "/home/" + tag + "/file", "/" + tag);
        StringBuilder script = new StringBuilder("mkdir -p /var/lib/" + tag + " /home/" + tag);
        for (String p : paths) script.append(" && hostname >").append(p);
        String unit = tag + ".service";
        user.fleetctl("start", c.unitFile(unit, "[Unit]\nDescription=writes on its machine\n\n[Service]\nType=oneshot\n"
                + "RemainAfterExit=yes\nExecStart=/bin/sh -c '" + script + "'\n\n[X-Fleet]\nMachineID=" + m1.machineId() + "\n")).ok();
        c.await(unit + " done on m1", () -> c.activeState("m1", unit).equals("active"));

        for (String p : paths) {
            assertEquals("m1", c.local().sh("m1", "cat", p).trimmed(), p + " on m1");
            for (String other : List.of("m2", "m3")) {
                assertEquals(1, c.local().sh(other, "test", "-e", p).exitCode(), p + " must not exist on " + other);
            }
            assertFalse(Files.exists(Path.of(p)), p + " must not exist on the host");
        }
    }

    @Test
    void aLoginRunsTheMachinesOwnShellFilesNotTheHosts() throws IOException {
        String freshBashrc = Files.readString(Path.of("/usr/share/base-files/dot.bashrc"), StandardCharsets.UTF_8);
        String freshProfile = Files.readString(Path.of("/usr/share/base-files/dot.profile"), StandardCharsets.UTF_8);
        for (Machine m : c.machines()) {
            String id = m.machineId().substring(0, 12);
            // sshd's bash reads ~/.bashrc even for a command: whatever the host's shell setup prints would show here
            assertEquals(new FleetCluster.Run(List.of("ssh", id, "--", "exit 4"), 4, "", ""), user.fleetctl("ssh", id, "--", "exit 4"));
            // root's shell files are those of a fresh Debian install, not the host's
            assertEquals(new FleetCluster.Run(List.of("ssh", id, "cat", ".bashrc", ".profile"), 0, freshBashrc + freshProfile, ""),
                    user.fleetctl("ssh", id, "cat", ".bashrc", ".profile"));
            // and a login shell has nothing the host's setup adds (this CI host's root .bashrc sets up pyenv)
            FleetCluster.Run login = user.fleetctl("ssh", id, "bash -lc 'echo ${PYENV_ROOT-none}; echo $HOME'").ok();
            assertEquals("none\n/root\n", login.out(), m.name());
            assertEquals("", login.err(), m.name());
        }
    }

    @Test
    void bootingMachinesLeavesTheHostsTmpAlone() {
        assertTrue(Files.exists(hostTmpMarker), "the host's /tmp kept " + hostTmpMarker + " while machines booted");
        for (Machine m : c.machines()) {
            assertEquals("tmpfs", c.local().sh(m.name(), "findmnt", "-n", "-o", "FSTYPE", "/tmp").trimmed(), m.name() + "'s /tmp");
            assertEquals(1, c.local().sh(m.name(), "test", "-e", hostTmpMarker.toString()).exitCode(), m.name() + " sees the host's /tmp");
        }
    }

    @Test
    void everyMachineHasACgroupV2HierarchyOfItsOwn() {
        for (Machine m : c.machines()) {
            assertEquals("cgroup2fs", c.local().sh(m.name(), "stat", "-fc", "%T", "/sys/fs/cgroup").trimmed(), m.name());
        }
        String unit = "everywhere-" + c.local().name() + ".service";
        user.fleetctl("start", c.unitFile(unit, "[Unit]\nDescription=one on every machine\n\n[Service]\nExecStart=/bin/sleep infinity\n\n"
                + "[X-Fleet]\nGlobal=true\n")).ok();
        c.await(unit + " active on every machine", () -> c.runningOn(unit).size() == 3);
        Path root = cgroup2Root().resolve(c.local().settings().get("CGROUP"));
        for (Machine m : c.machines()) {
            assertEquals("/system.slice/" + unit, c.local().sh(m.name(), "systemctl", "show", "-p", "ControlGroup", "--value", unit).trimmed());
            assertTrue(hasProcesses(root.resolve(m.name()).resolve("payload/system.slice").resolve(unit)), unit + " of " + m.name()
                    + " lives in " + m.name() + "'s own subtree on the host");
        }
        // the same unit in every machine is three services: stopping m2's leaves the others running, untouched
        Map<String, String> before = identities(unit, "m1", "m3");
        c.local().sh("m2", "systemctl", "stop", unit).requireSuccess();
        assertEquals(before, identities(unit, "m1", "m3"));
        user.fleetctl("destroy", unit).ok();
    }

    /**
     * The cluster on a pure cgroup v2 host, where /sys/fs/cgroup is the cgroup2 hierarchy itself. When this host is
     * hybrid (cgroup2 at /sys/fs/cgroup/unified, v1 controllers beside it), the script runs in a mount namespace that
     * binds the cgroup2 hierarchy over /sys/fs/cgroup: for the script and for systemd-nspawn, that is such a host.
     */
    @Test
    void aPureCgroupV2HostRunsTheCluster() throws IOException {
        boolean hybrid = !Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        LocalCluster v2 = LocalCluster.create();
        try (v2) {
            Path script = FleetctlProcess.repoRoot().resolve("scripts/local-cluster");
            List<String> up = hybrid
                    ? List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec \"$0\" --name \"$1\" up 2", script.toString(), v2.name())
                    : List.of(script.toString(), "--name", v2.name(), "up", "2");
            CommandResult booted = CommandRunner.run(up, Duration.ofMinutes(3));
            assertEquals(0, booted.exitCode(), booted.stderr());
            FleetctlProcess v2user = FleetctlProcess.in(FleetctlProcess.repoRoot(), v2.env());
            String unit = "v2-" + v2.name() + ".service";
            Path unitFile = Files.createDirectories(Path.of("target", "e2e-units", v2.name()).toAbsolutePath()).resolve(unit);
            Files.writeString(unitFile, "[Unit]\nDescription=on a cgroup v2 host\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[X-Fleet]\nGlobal=true\n");
            v2user.fleetctl("start", unitFile.toString()).ok();
            Path root = cgroup2Root().resolve(v2.settings().get("CGROUP"));
            if (hybrid) {
                // the script took the pure v2 path: nothing of this cluster in the v1 name=systemd hierarchy
                assertFalse(Files.exists(Path.of("/sys/fs/cgroup/systemd").resolve(v2.settings().get("CGROUP"))));
            }
            for (Machine m : v2.machines()) {
                FleetCluster.await(unit + " active on " + m.name(), FleetCluster.PATIENCE,
                        () -> v2.sh(m.name(), "systemctl", "is-active", unit).trimmed().equals("active"));
                assertEquals("cgroup2fs", v2.sh(m.name(), "stat", "-fc", "%T", "/sys/fs/cgroup").trimmed(), m.name());
                assertTrue(hasProcesses(root.resolve(m.name()).resolve("payload/system.slice").resolve(unit)), m.name());
            }
        }
    }

    private Map<String, String> identities(String unit, String... machines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : machines) m.put(name, c.startIdentity(name, unit));
        return m;
    }

    /** Where the host has the cgroup2 hierarchy: /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one. */
    private static Path cgroup2Root() {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        return Files.exists(unified.resolve("cgroup.procs")) ? unified : Path.of("/sys/fs/cgroup");
    }

    private static boolean hasProcesses(Path cgroup) {
        try {
            return !Files.readString(cgroup.resolve("cgroup.procs")).isBlank();
        } catch (IOException e) {
            return false;
        }
    }
}
