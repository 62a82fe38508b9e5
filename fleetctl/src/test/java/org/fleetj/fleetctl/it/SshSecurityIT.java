package org.fleetj.fleetctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fleetj.fleetctl.it.SshTestCluster.Run;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host keys and authentication against the real sshd of local-cluster machines: known_hosts (strict by
 * default, changed keys refused, unknown hosts refused without a terminal and asked about on one, hashed
 * entries written by ssh-keygen), the identity file, a real ssh-agent, agent forwarding.
 */
class SshSecurityIT {
    private static SshTestCluster c;
    private static Machine m1;
    private static Machine m2;
    private static Path work;

    @BeforeAll
    static void boot() throws IOException {
        c = SshTestCluster.start("sshs", 2);
        m1 = c.machine(1);
        m2 = c.machine(2);
        work = c.work;
    }

    @AfterAll
    static void down() {
        if (c != null) c.close();
    }

    /** fleetctl with the cluster's API and user, and the given known_hosts file, identity file and environment. */
    private static Run fleetctl(Path knownHosts, Path identity, Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("--endpoint", c.apiUrl(), "--ssh-username", "root", "--ssh-timeout", "20"));
        if (knownHosts != null) all.addAll(List.of("--known-hosts-file", knownHosts.toString()));
        if (identity != null) all.addAll(List.of("--identity-file", identity.toString()));
        all.addAll(List.of(args));
        return c.fleetctl(env, "", all);
    }

    private static Path knownHosts(String name, String content) throws IOException {
        Path p = work.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    /** The line local-cluster wrote for machine {@code m}: {@code ip,name type key}. */
    private static String clusterLine(Machine m) throws IOException {
        for (String line : Files.readAllLines(c.cluster.knownHostsFile())) if (line.startsWith(m.ip() + ",")) return line;
        throw new AssertionError("no known_hosts line for " + m);
    }

    private static String keyOf(Machine m) throws IOException {
        String[] w = clusterLine(m).split(" ");
        return w[1] + " " + w[2];
    }

    // ---- known_hosts ----------------------------------------------------------------------------

    @Test
    void aChangedHostKeyIsRefused() throws IOException {
        Path bad = knownHosts("changed_known_hosts", "# m1's address with m2's key\n" + m1.ip() + " " + keyOf(m2) + "\n");
        Run r = fleetctl(bad, c.cluster.identityFile(), Map.of(), "ssh", m1.machineId(), "--", "echo", "should-not-run");
        assertEquals(255, r.exit(), r.toString());
        assertFalse(r.out().contains("should-not-run"), r.toString());
        assertTrue(r.err().contains("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!"), r.toString());
        assertTrue(r.err().contains("Offending ED25519 key in " + bad + ":2"), r.toString());
        assertTrue(r.err().contains("Host key verification failed."), r.toString());
        assertEquals(2, Files.readAllLines(bad).size(), "the file is left alone");
    }

    @Test
    void anUnknownHostIsRefusedWhenNobodyCanBeAsked() {
        Path none = work.resolve("absent_known_hosts");
        Run r = fleetctl(none, c.cluster.identityFile(), Map.of(), "ssh", m1.machineId(), "--", "echo", "should-not-run");
        assertEquals(255, r.exit(), r.toString());
        assertFalse(r.out().contains("should-not-run"), r.toString());
        assertTrue(r.err().contains("the authenticity of host '" + m1.ip() + "' can't be established"), r.toString());
        assertTrue(r.err().contains("stdin is not a terminal"), r.toString());
        assertTrue(r.err().contains("ssh-keyscan -p 22 -t ssh-ed25519 " + m1.ip() + " >> " + none), r.toString());
        assertFalse(Files.exists(none), "nothing was recorded");
    }

    @Test
    void anUnknownHostAcceptedWithYesOnTheTerminalIsRecordedAndThenKnown() throws Exception {
        Path file = work.resolve("yes/known_hosts");
        Process p = c.launcherOnTerminal(Map.of(), List.of("--endpoint", c.apiUrl(), "--ssh-username", "root",
                "--identity-file", c.cluster.identityFile().toString(), "--known-hosts-file", file.toString(),
                "ssh", m2.machineId(), "--", "echo", "ran-on-$(hostname)"));
        String out = typeAndCollect(p, "yes\n");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("The authenticity of host '" + m2.ip() + " (" + m2.ip() + ":22)' can't be established."), out);
        assertTrue(out.contains("Are you sure you want to continue connecting (yes/no)? "), out);
        assertTrue(out.contains("Warning: Permanently added '" + m2.ip() + "' (ED25519) to the list of known hosts"), out);
        assertTrue(out.contains("ran-on-m2"), out);
        assertEquals(List.of(m2.ip() + " " + keyOf(m2)), Files.readAllLines(file), "OpenSSH's line for the host's real key");
        // now known: no question, even without a terminal
        Run r = fleetctl(file, c.cluster.identityFile(), Map.of(), "ssh", m2.machineId(), "--", "hostname");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("m2\n", r.out());
    }

    @Test
    void anUnknownHostDeclinedOnTheTerminalIsRefused() throws Exception {
        Path file = work.resolve("no/known_hosts");
        Process p = c.launcherOnTerminal(Map.of(), List.of("--endpoint", c.apiUrl(), "--ssh-username", "root",
                "--identity-file", c.cluster.identityFile().toString(), "--known-hosts-file", file.toString(),
                "ssh", m1.machineId(), "--", "echo", "should-not-run"));
        String out = typeAndCollect(p, "no\n");
        assertEquals(255, p.exitValue(), out);
        assertTrue(out.contains("Are you sure you want to continue connecting (yes/no)? "), out);
        assertTrue(out.contains("was not accepted"), out);
        assertFalse(out.contains("should-not-run"), out);
        assertFalse(Files.exists(file), "nothing was recorded");
    }

    @Test
    void hashedKnownHostsWrittenBySshKeygenAreUnderstood() throws Exception {
        Path hashed = knownHosts("hashed_known_hosts", Files.readString(c.cluster.knownHostsFile()));
        runChecked("ssh-keygen", "-q", "-H", "-f", hashed.toString());
        for (String line : Files.readAllLines(hashed)) assertTrue(line.startsWith("|1|"), "hashed by ssh-keygen: " + line);
        Run r = fleetctl(hashed, c.cluster.identityFile(), Map.of(), "ssh", m1.machineId(), "--", "hostname");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("m1\n", r.out());
        // and a hashed entry with the wrong key is still a changed key
        Path wrong = knownHosts("hashed_wrong_known_hosts", m1.ip() + " " + keyOf(m2) + "\n");
        runChecked("ssh-keygen", "-q", "-H", "-f", wrong.toString());
        r = fleetctl(wrong, c.cluster.identityFile(), Map.of(), "ssh", m1.machineId(), "--", "hostname");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("REMOTE HOST IDENTIFICATION HAS CHANGED"), r.toString());
    }

    @Test
    void strictCheckingOffSkipsTheFile() throws IOException {
        Path bad = knownHosts("ignored_known_hosts", m1.ip() + " " + keyOf(m2) + "\n");
        String before = Files.readString(bad);
        Run r = fleetctl(bad, c.cluster.identityFile(), Map.of(), "--strict-host-key-checking=false", "ssh", m1.machineId(), "--", "hostname");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("m1\n", r.out());
        assertEquals(before, Files.readString(bad));
        // also through FLEETCTL_STRICT_HOST_KEY_CHECKING, and with no file at all
        r = fleetctl(work.resolve("never_created"), c.cluster.identityFile(), Map.of("FLEETCTL_STRICT_HOST_KEY_CHECKING", "false"),
                "ssh", m2.machineId(), "--", "hostname");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(Files.exists(work.resolve("never_created")));
    }

    // ---- authentication -------------------------------------------------------------------------

    @Test
    void withoutAgentOrIdentityFileFleetsErrorSaysSo() {
        Run r = fleetctl(c.cluster.knownHostsFile(), null, Map.of(), "ssh", m1.machineId(), "--", "true");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("SSH_AUTH_SOCK environment variable is not set. Verify ssh-agent is running."), r.toString());
        assertTrue(r.err().contains("--identity-file"), r.toString());
    }

    @Test
    void theIdentityFileComesFromTheEnvironmentToo() {
        Run r = fleetctl(c.cluster.knownHostsFile(), null, Map.of("FLEETCTL_IDENTITY_FILE", c.cluster.identityFile().toString()),
                "ssh", m1.machineId(), "--", "hostname");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("m1\n", r.out());
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefused() throws Exception {
        Path stranger = work.resolve("stranger_key");
        runChecked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", stranger.toString());
        Run r = fleetctl(c.cluster.knownHostsFile(), stranger, Map.of(), "ssh", m1.machineId(), "--", "true");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("unable to authenticate as root on " + m1.ip() + ":22: the server accepted none of the keys offered"),
                r.toString());
    }

    @Test
    void sshAgentKeysAuthenticateAndCanBeForwarded() throws Exception {
        try (Agent agent = Agent.start(work.resolve("agent.sock"))) {
            Map<String, String> env = Map.of("SSH_AUTH_SOCK", agent.socket.toString());
            Run r = fleetctl(c.cluster.knownHostsFile(), null, env, "ssh", m1.machineId(), "--", "hostname");
            assertEquals(255, r.exit(), "an empty agent is no way in: " + r);
            assertTrue(r.err().contains("holds no keys"), r.toString());

            agent.add(c.cluster.identityFile());
            r = fleetctl(c.cluster.knownHostsFile(), null, env, "ssh", m1.machineId(), "--", "hostname");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("m1\n", r.out());
            r = fleetctl(c.cluster.knownHostsFile(), null, env, "journal", "nope");
            assertEquals("Unit nope.service does not exist.\n", r.err());

            // -A: the remote side reaches our agent; without it, it does not
            r = fleetctl(c.cluster.knownHostsFile(), null, env, "ssh", "-A", m2.machineId(), "--", "ssh-add", "-l");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("local-cluster-" + c.cluster.name()) && r.out().contains("(ED25519)"), r.toString());
            r = fleetctl(c.cluster.knownHostsFile(), null, env, "ssh", m2.machineId(), "--", "ssh-add", "-l");
            assertEquals(2, r.exit(), "ssh-add: no agent to talk to: " + r);
            // and the forwarded agent really signs: m2 logs into m1 with it
            r = fleetctl(c.cluster.knownHostsFile(), null, env, "ssh", "-A", m2.machineId(), "--",
                    "ssh", "-o", "IdentityFile=/nonexistent", "-o", "IdentitiesOnly=no", m1.ip(), "hostname");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("m1\n", r.out());
        }
    }

    // ---- connection problems ------------------------------------------------------------------------

    @Test
    void aClosedPortIsAClearError() {
        Run r = fleetctl(c.cluster.knownHostsFile(), c.cluster.identityFile(), Map.of(), "ssh", "--ssh-port", "2222", m1.machineId(), "--", "true");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot connect to " + m1.ip() + ":2222: connection refused"), r.toString());
    }

    @Test
    void anUnreachableHostGivesUpAfterTheSshTimeout() {
        String silent = c.cluster.hostIp().replaceAll("\\.1$", ".250");
        String id = "5111e47" + "0".repeat(25);
        try (var fake = c.registry.join(new org.fleetj.registry.MachineState(id, silent, Map.of(), SshTestCluster.VERSION),
                "silent", java.time.Duration.ofMinutes(5))) {
            assertEquals(id, fake.machineId());
            long t0 = System.nanoTime();
            Run r = fleetctl(c.cluster.knownHostsFile(), c.cluster.identityFile(), Map.of(), "--ssh-timeout", "1.5", "ssh", id, "--", "true");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(255, r.exit(), r.toString());
            assertTrue(r.err().contains(silent + ":22") && r.err().contains("timed out"), r.toString());
            assertTrue(millis < 10_000, "gave up after " + millis + " ms");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static String typeAndCollect(Process p, String input) throws Exception {
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "fleetctl ended");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String runChecked(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    /** A real ssh-agent on its own socket, killed on close. */
    private static final class Agent implements AutoCloseable {
        final Path socket;
        private final long pid;

        private Agent(Path socket, long pid) {
            this.socket = socket;
            this.pid = pid;
        }

        static Agent start(Path socket) throws IOException, InterruptedException {
            Files.deleteIfExists(socket);
            String out = runChecked("ssh-agent", "-s", "-a", socket.toString());
            Matcher m = Pattern.compile("SSH_AGENT_PID=(\\d+)").matcher(out);
            if (!m.find()) throw new AssertionError("no agent pid in: " + out);
            return new Agent(socket, Long.parseLong(m.group(1)));
        }

        void add(Path key) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
            pb.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new AssertionError("ssh-add failed: " + out);
        }

        @Override
        public void close() throws IOException {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            Files.deleteIfExists(socket);
        }
    }
}
