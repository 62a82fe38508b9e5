package org.fleetj.fleetctl.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fleetj.fleetctl.it.SshTestCluster.Run;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.testkit.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * journal, ssh, status and the global-unit restart against real machines (sshd, systemd, journald) of a
 * local cluster, with fleetctl's view of the cluster served by a real fleetd API server.
 */
class SshCommandsIT {
    private static SshTestCluster c;
    private static String m1;
    private static String m2;
    private static String m3;

    @BeforeAll
    static void boot() throws Exception {
        c = SshTestCluster.start("sshc", 3);
        m1 = c.machine(1).machineId();
        m2 = c.machine(2).machineId();
        m3 = c.machine(3).machineId();
        // a journal that no longer changes: 20 numbered lines after systemd's "Started" line
        c.launch("lines.service", 1, SshTestCluster.afterStartedLine("lines.service") + "for i in $(seq 1 20); do echo line-$i; done; exec sleep infinity", "active", "running");
        c.launch("ticker.service", 2, "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done", "active", "running");
        c.launch("broken.service", 3, "echo about to fail; exit 3", "failed", "failed");
        c.launchGlobal("glob.service", "exec sleep infinity", 1, 2);
        c.submitOnly("idle.service");
        c.awaitJournal(1, "lines.service", "line-20");
        c.awaitJournal(2, "ticker.service", "tick-3");
        c.awaitState(3, "broken.service", "failed");
    }

    @AfterAll
    static void down() {
        if (c != null) c.close();
    }

    // ---- journal ------------------------------------------------------------------------------------

    @Test
    void journalPrintsTheLastLinesInTheRequestedOutputMode() {
        Run r = c.fleetctl("journal", "--lines", "5", "--output", "cat", "lines");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("line-16\nline-17\nline-18\nline-19\nline-20\n", r.out(), r.toString());
    }

    @Test
    void journalDefaultsToTenShortLines() {
        Run r = c.fleetctl("journal", "lines.service");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(10, lines.length, r.toString());
        for (int i = 0; i < 10; i++) {
            assertTrue(lines[i].contains(" m1 ") && lines[i].endsWith(": line-" + (11 + i)), "short format with the host: " + lines[i]);
        }
    }

    @Test
    void journalFollowStreamsUntilStopped() throws Exception {
        List<String> args = new ArrayList<>(c.baseArgs());
        args.addAll(List.of("journal", "-f", "--lines", "1", "--output", "cat", "ticker"));
        Process p = c.launcher(Map.of(), args);
        p.getOutputStream().close();
        List<Integer> ticks = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (ticks.size() < 6 && (line = out.readLine()) != null) {
                assertTrue(line.startsWith("tick-"), line);
                ticks.add(Integer.parseInt(line.substring(5)));
            }
            assertEquals(6, ticks.size(), "the journal kept coming: " + ticks + " " + stderrOf(p));
            for (int i = 1; i < ticks.size(); i++) assertEquals(ticks.get(i - 1) + 1, ticks.get(i), "consecutive: " + ticks);
            assertTrue(p.isAlive(), "-f keeps following");
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "fleetctl ends when stopped");
        }
        // the remote journalctl goes away with the connection
        await("remote journalctl ended with fleetctl").atMost(Duration.ofSeconds(15))
                .until(() -> !c.cluster.sh(2, "pgrep", "-f", "journalctl --unit ticker.service").succeeded());
    }

    @Test
    void journalRefusesWhatFleetRefuses() {
        Run r = c.fleetctl("journal", "nope");
        assertEquals(1, r.exit());
        assertEquals("Unit nope.service does not exist.\n", r.err());
        r = c.fleetctl("journal", "glob.service");
        assertEquals(1, r.exit());
        assertEquals("Unable to retrieve journal of global unit glob.service.\n", r.err());
        r = c.fleetctl("journal", "idle");
        assertEquals(1, r.exit());
        assertEquals("Unit idle.service does not appear to be running.\n", r.err());
        r = c.fleetctl("journal", "lines", "ticker");
        assertEquals(1, r.exit());
        assertEquals("One unit file must be provided\n", r.err());
        // --sudo puts sudo in front (the machines have none: the remote shell says so)
        r = c.fleetctl("journal", "--sudo", "lines");
        assertEquals(127, r.exit(), r.toString());
        assertTrue(r.err().contains("sudo: command not found") || r.err().contains("sudo: not found"), r.toString());
    }

    // ---- ssh ----------------------------------------------------------------------------------------

    @Test
    void sshRunsACommandAndExitsWithItsStatus() {
        Run r = c.fleetctl("ssh", m2.substring(0, 8), "--", "echo on $(hostname); exit 3");
        assertEquals(3, r.exit(), r.toString());
        assertEquals("on m2\n", r.out());
        r = c.fleetctl("ssh", "lines.service", "hostname");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("m1\n", r.out());
        r = c.fleetctl("ssh", "--machine", m3, "cat", "/etc/machine-id");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(m3 + "\n", r.out());
        // words after the target go to the remote shell as typed, options included
        r = c.fleetctl("ssh", "--unit", "ticker", "--", "ls", "-d", "$HOME");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("/root\n", r.out());
    }

    @Test
    void sshForwardsStdinToTheCommand() {
        List<String> args = new ArrayList<>(c.baseArgs());
        args.addAll(List.of("ssh", m1.substring(0, 12), "--", "tr", "a-z", "A-Z"));
        Run r = c.fleetctl(Map.of(), "piped input\n", args);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("PIPED INPUT\n", r.out());
    }

    @Test
    void sshWithoutCommandAndWithoutTerminalRunsAShellOnStdin() {
        List<String> args = new ArrayList<>(c.baseArgs());
        args.addAll(List.of("ssh", m3.substring(0, 10)));
        Run r = c.fleetctl(Map.of(), "echo shell-$((40+2)) on $(hostname)\nexit 7\n", args);
        assertEquals(7, r.exit(), r.toString());
        assertTrue(r.out().contains("shell-42 on m3\n"), r.toString());
        assertTrue(r.err().contains("Pseudo-terminal will not be allocated because stdin is not a terminal."), r.toString());
    }

    @Test
    void sshWithoutCommandOnATerminalGetsAPseudoTerminal() throws Exception {
        List<String> args = new ArrayList<>(c.baseArgs());
        args.addAll(List.of("ssh", m1.substring(0, 10)));
        Process p = c.launcherOnTerminal(Map.of("TERM", "vt100"), args);
        try (OutputStream in = p.getOutputStream()) {
            in.write("echo term=$TERM; tty; exit 5\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the shell ended");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(5, p.exitValue(), out);
        assertTrue(out.contains("term=vt100"), out);
        assertTrue(out.contains("/dev/pts/"), "the remote shell has a pty: " + out);
    }

    @Test
    void anInteractiveShellGetsTheTerminalRawAndGivesItBack() throws Exception {
        // Ctrl-C must reach the remote sleep, not stop fleetctl; the terminal settings are the same afterwards
        Process p = c.onTerminal(Map.of(), "stty -g >" + SshTestCluster.quote(c.work + "/stty.before") + "\n"
                + "fleetctl " + c.baseArgsForShell() + " ssh " + m2.substring(0, 10) + "; rc=$?\n"
                + "stty -g >" + SshTestCluster.quote(c.work + "/stty.after") + "\nexit $rc\n");
        OutputStream in = p.getOutputStream();
        StringBuilder seen = new StringBuilder();
        in.write("echo st\"\"arted; sleep 30\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        waitFor(p, seen, "started\r\n");
        // Ctrl-C is for the remote sleep: it goes once that sleep runs on m2
        await("the remote sleep 30 runs").atMost(Duration.ofSeconds(30))
                .until(() -> c.cluster.sh(2, "pgrep", "-f", "^sleep 30$").succeeded());
        in.write(3); // Ctrl-C
        in.write("echo after-$((1+1)); exit 4\n".getBytes(StandardCharsets.UTF_8));
        in.close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the shell ended");
        String out = seen + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(4, p.exitValue(), out);
        assertTrue(out.contains("after-2"), out);
        assertEquals(Files.readString(c.work.resolve("stty.before")), Files.readString(c.work.resolve("stty.after")), "terminal restored");
    }

    @Test
    void windowSizeChangesReachTheRemoteTerminal() throws Exception {
        // The resize happens only once the remote shell said it is up (a marker file in the checkout, which every
        // machine shares with the host: docs/local-cluster.md), and the remote side polls its size until it
        // follows: no fixed sleeps.
        String ready = c.work.resolve("resize-ready-" + System.nanoTime()).toString();
        Process p = c.onTerminal(Map.of(), "stty cols 100 rows 30\n"
                + "(for i in $(seq 600); do [ -e " + SshTestCluster.quote(ready) + " ] && break; sleep 0.1; done; "
                + "stty cols 123 rows 45 </dev/tty) &\n"
                + "fleetctl " + c.baseArgsForShell() + " ssh " + m3.substring(0, 10) + "\n");
        try (OutputStream in = p.getOutputStream()) {
            in.write(("echo size-$(stty size | tr ' ' x); touch " + SshTestCluster.quote(ready) + "; "
                    + "for i in $(seq 300); do s=$(stty size | tr ' ' x); [ \"$s\" = 45x123 ] && break; sleep 0.1; done; "
                    + "echo size-$(stty size | tr ' ' x); exit 0\n").getBytes(StandardCharsets.UTF_8));
        }
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the shell ended");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("size-30x100"), "the remote pty starts with the local size: " + out);
            assertTrue(out.contains("size-45x123"), "and follows it: " + out);
        } finally {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(ready));
        }
    }

    /** Reads what {@code p} printed into {@code seen} until it holds {@code text}. */
    private static void waitFor(Process p, StringBuilder seen, String text) {
        java.io.InputStream out = p.getInputStream();
        await("output " + text.strip()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .failFast("the process ended before printing " + text.strip(), () -> !p.isAlive() && out.available() == 0)
                .until(() -> {
                    int available = out.available();
                    if (available > 0) {
                        byte[] b = new byte[available];
                        int n = out.read(b);
                        seen.append(new String(b, 0, n, StandardCharsets.UTF_8));
                    }
                    return seen.toString().contains(text);
                });
    }

    @Test
    void sshRefusesWhatItCannotResolve() {
        Run r = c.fleetctl("ssh", "glob", "--", "true");
        assertEquals(1, r.exit());
        assertEquals("Unable to proceed: global units unsupported\n", r.err());
        r = c.fleetctl("ssh", "nothing-here");
        assertEquals(1, r.exit());
        assertEquals("Unable to proceed: could not find matching unit or machine\n", r.err());
        r = c.fleetctl("ssh", "--machine", "a", "--unit", "b");
        assertEquals(1, r.exit());
        assertEquals("Both machine and unit flags provided, please specify only one.\n", r.err());
    }

    @Test
    void sshRefusesAnAmbiguousMachinePrefixOrArgument() {
        String twin = m3.substring(0, 9) + (m3.charAt(9) == '0' ? "1" : "0") + m3.substring(10);
        try (MachinePresence fake = c.registry.join(new MachineState(twin, "10.255.0.1", Map.of(), SshTestCluster.VERSION),
                "twin", java.time.Duration.ofMinutes(5))) {
            assertEquals(twin, fake.machineId());
            Run r = c.fleetctl("ssh", m3.substring(0, 9), "--", "true");
            assertEquals(1, r.exit(), r.toString());
            assertEquals("Unable to proceed: found more than one machine\n", r.err());
            r = c.fleetctl("ssh", m3.substring(0, 10), "--", "hostname");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("m3\n", r.out());
        }
        String prefix = m2.substring(0, 6);
        c.launch(prefix + ".service", 1, "exec sleep infinity", "active", "running");
        Run r = c.fleetctl("ssh", prefix, "--", "true");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("Unable to proceed: ambiguous argument, both machine and unit found for `" + prefix + "`.\n"
                + "Please use flag `-m` or `-u` to refine the search\n", r.err());
        assertEquals("m1\n", c.fleetctl("ssh", "-u", prefix, "hostname").out());
        assertEquals("m2\n", c.fleetctl("ssh", "-m", prefix, "hostname").out());
    }

    // ---- status -------------------------------------------------------------------------------------

    @Test
    void statusOfAnActiveUnitExitsZero() {
        Run r = c.fleetctl("status", "lines");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("● lines.service"), r.toString());
        assertTrue(r.out().contains("Active: active (running)"), r.toString());
    }

    @Test
    void statusOfAFailedUnitExitsWithSystemctlsStatus() {
        Run r = c.fleetctl("status", "broken.service");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.out().contains("Active: failed"), r.toString());
        // fleet stops at the first unit whose status is not 0
        r = c.fleetctl("status", "broken", "lines");
        assertEquals(3, r.exit(), r.toString());
        assertFalse(r.out().contains("lines.service"), r.toString());
    }

    @Test
    void statusOfSeveralUnitsSeparatesThemWithABlankLine() {
        Run r = c.fleetctl("status", "lines", "ticker");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("● lines.service"), r.toString());
        assertTrue(r.out().contains("\n\n● ticker.service"), r.toString());
    }

    @Test
    void statusOfAGlobalUnitRunsOnEveryMachineHostingIt() {
        Run r = c.fleetctl("status", "glob");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(2, r.out().split("● glob.service", -1).length - 1, r.toString());
        // each status comes from its own machine's systemd, which shows the unit where a real machine has it (the
        // machines have cgroup namespaces of their own: docs/local-cluster.md)
        assertTrue(r.out().contains(" m1 systemd[1]: Started glob.service") && r.out().contains(" m2 systemd[1]: Started glob.service"), r.toString());
        assertEquals(2, r.out().split("CGroup: /system.slice/glob.service\n", -1).length - 1, r.toString());
    }

    @Test
    void statusRefusesWhatFleetRefuses() {
        Run r = c.fleetctl("status", "idle");
        assertEquals(1, r.exit());
        assertEquals("Unit idle.service does not appear to be loaded.\n", r.err());
        r = c.fleetctl("status", "lines", "nope");
        assertEquals(1, r.exit());
        assertEquals("Unit nope.service does not exist.\n", r.err());
        assertEquals("", r.out(), "nothing runs before every unit is checked");
    }

    // ---- restart of a global unit ----------------------------------------------------------------------

    @Test
    void restartOfAGlobalUnitRestartsItOnEveryMachine() {
        String before1 = invocation(1, "glob.service");
        String before2 = invocation(2, "glob.service");
        Run r = c.fleetctl("restart", "glob.service");
        assertEquals(0, r.exit(), r.toString());
        assertNotEquals(before1, invocation(1, "glob.service"), "restarted on m1");
        assertNotEquals(before2, invocation(2, "glob.service"), "restarted on m2");
        assertEquals("active", c.sh(1, "systemctl", "is-active", "glob.service").trimmed());
    }

    // ---- this very machine ------------------------------------------------------------------------------

    @Test
    void onTheUnitsOwnMachineCommandsRunLocallyWithoutSsh() {
        // inside m1, without any SSH key: journal and status of a unit on m1 need none
        CommandResult r = c.cluster.sh(1, "fleetctl", "--endpoint", c.apiUrl(), "journal", "--lines", "3", "--output", "cat", "lines");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("line-18\nline-19\nline-20\n", r.stdout());
        r = c.cluster.sh(1, "fleetctl", "--endpoint", c.apiUrl(), "status", "lines");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("Active: active (running)"), r.stdout());
        // a unit on another machine needs SSH, and there is no key in there
        r = c.cluster.sh(1, "fleetctl", "--endpoint", c.apiUrl(), "journal", "ticker");
        assertEquals(255, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stderr().contains("SSH_AUTH_SOCK environment variable is not set"), r.stderr());
    }

    // ---- the packaged launcher -------------------------------------------------------------------------

    @Test
    void theLauncherRunsSshCommandsAndFindsTheTunnelService() throws Exception {
        List<String> args = new ArrayList<>(c.baseArgs());
        args.addAll(List.of("ssh", m1.substring(0, 10), "--", "hostname"));
        // as users run it: with the class-data-sharing archive (made by the first run if missing)
        Map<String, String> cds = Map.of("FLEETCTL_NO_CDS", "");
        Process warm = c.launcher(cds, List.of("version"));
        assertTrue(warm.waitFor(120, TimeUnit.SECONDS));
        long[] millis = new long[5];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            Process p = c.launcher(cds, args);
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(0, p.exitValue(), out + stderrOf(p));
            assertEquals("m1\n", out);
        }
        java.util.Arrays.sort(millis);
        System.out.println("fleetctl_ssh_command_ms=" + millis[2]);
        // --tunnel for the API is found through META-INF/services in the jar
        args = new ArrayList<>(c.baseArgs());
        args.addAll(List.of("--tunnel", c.machine(2).ip(), "list-machines", "--full", "--no-legend"));
        Process p = c.launcher(Map.of(), args);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + stderrOf(p));
        assertTrue(out.contains(m3 + "\t" + c.machine(3).ip()), out);
    }

    @Test
    void commandsWithoutSshLoadNoSshClasses() throws Exception {
        String plain = classesLoaded("list-units");
        assertTrue(plain.contains("org.fleetj.fleetctl.command.ListUnitsCommand"), "the log shows loaded classes");
        for (String pkg : List.of("net.schmizz.", "com.hierynomus.", "org.bouncycastle.", "org.fleetj.fleetctl.ssh.")) {
            assertFalse(plain.contains(" " + pkg), "list-units loaded " + pkg);
        }
        String journal = classesLoaded("journal", "--lines", "1", "lines");
        assertTrue(journal.contains(" net.schmizz.sshj.SSHClient "), "journal does use sshj");
    }

    /** The class-load log of one fleetctl run from the packaged jar. */
    private static String classesLoaded(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xshare:off", "-Xlog:class+load=info", "-cp",
                c.repo.resolve("fleetctl/target/fleetctl.jar").toString(), "org.fleetj.fleetctl.Fleetctl"));
        cmd.addAll(c.baseArgs());
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out.length() > 4000 ? out.substring(out.length() - 4000) : out);
        return out;
    }

    private static String invocation(int machine, String unit) {
        return c.sh(machine, "systemctl", "show", "--property=InvocationID", "--value", unit).trimmed();
    }

    private static String stderrOf(Process p) {
        try {
            return p.isAlive() ? "" : new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
