package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * fleetctl's SSH commands from the host (bin/fleetctl, a JVM per command) against units that the real fleetd
 * of a 3-machine cluster placed, one on each machine: journal, status and ssh reach every machine; a wrong key
 * in known_hosts is refused before anything runs; {@code --tunnel} through m1 reaches m3 for journal and ssh,
 * and carries the API (over {@code fleetctl fd-forward} on m1, and over a forwarded TCP connection).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshOnClusterIT {
    private FleetCluster c;
    private FleetctlProcess user;
    private Machine m1;
    private Machine m3;

    @BeforeAll
    void boot() {
        long t = System.nanoTime();
        c = FleetCluster.up(3, LocalClusterOptions.defaults());
        m1 = c.machine("m1");
        m3 = c.machine("m3");
        user = FleetctlProcess.in(FleetctlProcess.repoRoot(), c.env());
        List<String> files = new ArrayList<>(List.of("start", "--block-attempts=15"));
        for (Machine m : c.machines()) files.add(c.unitFile(unitOn(m), unit(m)));
        user.fleetctl(files.toArray(String[]::new)).ok();
        for (Machine m : c.machines()) {
            c.await("hello line in " + m.name() + "'s journal", () -> c.local().sh(m.name(), "journalctl", "-u", unitOn(m), "-o", "cat", "--no-pager")
                    .stdout().contains("hello from " + m.name()));
        }
        FleetCluster.figure("ssh_boot_and_place", t);
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    private static String unitOn(Machine m) {
        return "say-" + m.name() + ".service";
    }

    /** A unit pinned to the machine that says where it runs (%H: systemd's hostname specifier). */
    private static String unit(Machine m) {
        return "[Unit]\nDescription=Says hello on " + m.name() + "\n\n[Service]\n"
                + "ExecStart=/bin/sh -c \"echo hello from %H; trap 'exit 0' TERM; while :; do sleep 1; done\"\n\n[X-Fleet]\nMachineID=" + m.machineId() + "\n";
    }

    @Test
    void journalStatusAndSshReachEveryMachine() {
        long t = System.nanoTime();
        // the machines one per thread: each JVM mostly waits for its SSH handshake
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<CompletableFuture<Void>> checks = c.machines().stream()
                    .map(m -> CompletableFuture.runAsync(() -> journalStatusAndSsh(m), pool)).toList();
            for (CompletableFuture<Void> f : checks) {
                try {
                    f.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof AssertionError a) throw a;
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        FleetCluster.figure("ssh_journal_status_ssh_3_machines", t);
    }

    private void journalStatusAndSsh(Machine m) {
        String unit = unitOn(m);
        FleetCluster.Run journal = user.fleetctl("journal", "--lines", "5", unit).ok();
        assertEquals("", journal.err());
        assertTrue(journal.lines().stream().anyMatch(l -> l.matches(".* " + m.name() + " sh\\[\\d+\\]: hello from " + m.name())), journal.out());

        FleetCluster.Run status = user.fleetctl("status", unit).ok();
        assertEquals("", status.err());
        List<String> lines = status.lines();
        assertEquals("● " + unit + " - Says hello on " + m.name(), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.strip().startsWith("Active: active (running)")), status.out());

        assertEquals(new FleetCluster.Run(List.of("ssh", unit, "hostname"), 0, m.name() + "\n", ""), user.fleetctl("ssh", unit, "hostname"));
        // by machine id prefix, and the remote command's exit status is fleetctl's
        FleetCluster.Run exit = user.fleetctl("ssh", m.machineId().substring(0, 12), "--", "hostname; exit 7");
        assertEquals(7, exit.exit(), exit.toString());
        assertEquals(m.name() + "\n", exit.out());
    }

    @Test
    void aChangedHostKeyIsRefusedBeforeAnythingRuns() throws Exception {
        long t = System.nanoTime();
        Machine m2 = c.machine("m2");
        List<String> known = Files.readAllLines(c.local().knownHostsFile());
        int line = -1;
        String realKey = null;
        String otherKey = null;
        for (int i = 0; i < known.size(); i++) {
            if (known.get(i).startsWith(m2.ip() + ",")) {
                line = i;
                realKey = known.get(i).split(" ")[2];
            }
            if (known.get(i).startsWith(m3.ip() + ",")) otherKey = known.get(i).split(" ")[2];
        }
        assertTrue(line >= 0 && otherKey != null, known.toString());
        // a copy where m2's entry carries m3's key
        List<String> wrong = new ArrayList<>(known);
        wrong.set(line, m2.ip() + ",m2 ssh-ed25519 " + otherKey);
        Path bad = Path.of(c.unitFile("known_hosts.wrong-m2", String.join("\n", wrong) + "\n"));
        byte[] before = Files.readAllBytes(bad);
        FleetctlProcess withBadFile = user.withEnv(Map.of("FLEETCTL_KNOWN_HOSTS_FILE", bad.toString()));
        long acceptedBefore = accepted("m2", null);

        String refusal = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
                + "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
                + "The ED25519 host key for '" + m2.ip() + "' has changed: the key sent by the remote host is " + sha256Fingerprint(realKey) + ".\n"
                + "Offending ED25519 key in " + bad + ":" + (line + 1) + "\n"
                + "If the host was legitimately reinstalled, remove that line and connect again.\n"
                + "Host key verification failed.\n";
        for (String[] args : List.of(new String[] {"journal", "say-m2"}, new String[] {"status", "say-m2.service"},
                new String[] {"ssh", "say-m2.service", "touch", "/run/ran-despite-a-changed-key"})) {
            FleetCluster.Run r = withBadFile.fleetctl(args);
            assertEquals(new FleetCluster.Run(List.of(args), 255, "", refusal), r);
        }
        assertEquals(acceptedBefore, accepted("m2", null), "no SSH session was opened on m2");
        assertEquals(1, c.local().sh("m2", "test", "-e", "/run/ran-despite-a-changed-key").exitCode(), "the command never ran");
        assertTrue(Arrays.equals(before, Files.readAllBytes(bad)), "known_hosts is left as it was");
        // the other machines' entries are right: they still work with that file
        assertEquals(m3.name() + "\n", withBadFile.fleetctl("ssh", "say-m3", "hostname").ok().out());
        FleetCluster.figure("ssh_known_hosts_mismatch", t);
    }

    @Test
    void aTunnelThroughOneMachineReachesAnotherForSshAndTheApi() {
        long t = System.nanoTime();
        // the API over `fleetctl fd-forward /var/run/fleet.sock` run on m1 (its fleetd's unix socket exists only in m1)
        FleetctlProcess viaM1 = user.withEnv(Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", "unix:///var/run/fleet.sock",
                "FLEETCTL_TUNNEL", m1.ip()));
        String direct = user.fleetctl("list-units").ok().out();
        FleetCluster.Run units = viaM1.fleetctl("list-units").ok();
        assertEquals(direct, units.out());
        assertEquals("", units.err());
        // the API over a forwarded TCP connection to m1's own loopback (nothing listens on the host's 127.0.0.1:49153);
        // TLS with the cluster's CA (its certificate names 127.0.0.1 too) and the write token of `local-cluster env`
        FleetctlProcess viaM1Tcp = viaM1.withEnv(Map.of("FLEETCTL_ENDPOINT", "https://127.0.0.1:49153",
                "FLEETCTL_CA_FILE", c.local().apiCredentials().orElseThrow().caFile().toString()));
        assertEquals(user.fleetctl("list-machines", "--full").ok().out(), viaM1Tcp.fleetctl("list-machines", "--full").ok().out());

        long acceptedFromM1 = accepted("m3", m1.ip());
        // --ssh: the API driver would otherwise read the journal and status through fleetd's API, not over SSH
        FleetCluster.Run journal = viaM1.fleetctl("journal", "--ssh", "--lines", "3", "say-m3").ok();
        assertTrue(journal.out().contains(" m3 sh[") && journal.out().contains("hello from m3"), journal.out());
        FleetCluster.Run ssh = viaM1.fleetctl("ssh", "say-m3", "echo $SSH_CONNECTION; hostname").ok();
        List<String> lines = ssh.lines();
        assertTrue(lines.get(0).startsWith(m1.ip() + " ") && lines.get(0).endsWith(" " + m3.ip() + " 22"),
                "m3 saw the connection come from m1: " + lines);
        assertEquals("m3", lines.get(1));
        FleetCluster.Run status = viaM1Tcp.fleetctl("status", "--ssh", "say-m3").ok();
        assertTrue(status.out().startsWith("● say-m3.service - Says hello on m3\n"), status.out());
        c.await("journal, ssh and status each logged in to m3 from m1", () -> accepted("m3", m1.ip()) == acceptedFromM1 + 3);

        // the etcd driver through the tunnel too (its gRPC connections forwarded by m1): the same answer as direct
        FleetCluster.Run etcd = user.withEnv(Map.of("FLEETCTL_TUNNEL", m1.ip())).fleetctl("list-units").ok();
        assertEquals(direct, etcd.out());
        assertEquals("", etcd.err());
        FleetCluster.figure("ssh_tunnel", t);
    }

    /** sshd's "Accepted publickey" lines in the machine's journal, from {@code fromIp} (any address when null). */
    private long accepted(String machine, String fromIp) {
        String log = c.local().sh(machine, "journalctl", "-u", "ssh.service", "-o", "cat", "--no-pager").stdout();
        return log.lines().filter(l -> l.startsWith("Accepted publickey for root from " + (fromIp == null ? "" : fromIp + " "))).count();
    }

    /** OpenSSH's SHA256 fingerprint of a base64 public key blob. */
    private static String sha256Fingerprint(String base64Key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64Key));
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    }
}
