package org.fleetj.fleetctl.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fleetj.fleetctl.DriverClientFactory;
import org.fleetj.fleetctl.Fleetctl;
import org.fleetj.fleetd.api.ApiConfig;
import org.fleetj.fleetd.api.ApiServer;
import org.fleetj.fleetd.api.SocketActivation;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.testkit.CommandResult;
import org.fleetj.testkit.LocalCluster;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * Real machines (scripts/local-cluster, no fleetd: sshd, systemd, journald in each) plus fleetctl's view of
 * them from a real fleetd API server over an in-memory registry, in which the test announces the
 * machines (their real ids and IPs) and the units it starts in them with systemd-run. Torn down by
 * {@link #close()}, also when {@link #start} fails half-way.
 */
final class SshTestCluster implements AutoCloseable {
    static final String VERSION = "0.1.0-ssh-it";

    final LocalCluster cluster;
    final InMemoryRegistry registry = new InMemoryRegistry();
    final Path work;
    final Path repo;
    private final Map<String, MachinePresence> presences = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private ApiServer api;
    private final List<ApiServer> extraApis = new ArrayList<>();
    private LeaderLatch engine;

    private SshTestCluster(LocalCluster cluster, Path work, Path repo) {
        this.cluster = cluster;
        this.work = work;
        this.repo = repo;
    }

    /** {@code name}: 1-5 letters; the PID is appended so that parallel runs never share a cluster. */
    static SshTestCluster start(String name, int machines) {
        Path repo = repoRoot();
        String clusterName = (name + Long.toString(ProcessHandle.current().pid(), 36));
        clusterName = clusterName.substring(0, Math.min(8, clusterName.length()));
        // not under /tmp or /var/tmp: the machines have their own and must see the API socket
        Path work = repo.resolve("fleetctl/target/it-" + clusterName);
        LocalCluster cluster = LocalCluster.named(clusterName);
        SshTestCluster c = new SshTestCluster(cluster, work, repo);
        try {
            deleteTree(work);
            Files.createDirectories(work);
            cluster.up(machines, LocalClusterOptions.defaults().withoutFleetd());
            c.startApi();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void startApi() {
        ApiConfig config = ApiConfig.builder(VERSION).socketPath(work.resolve("fleet.sock"))
                .listen("http://" + cluster.hostIp() + ":0").build();
        api = new ApiServer(registry, config, new FleetMetrics(), SocketActivation.none());
        try {
            api.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the API server: " + e.getMessage(), e);
        }
        for (Machine m : cluster.machines()) {
            presences.put(m.name(), registry.join(new MachineState(m.machineId(), m.ip(), Map.of("name", m.name()), VERSION),
                    m.name(), Duration.ofMinutes(30)));
        }
        engine = registry.leaderLatch("ssh-it-engine", Duration.ofMinutes(30));
        engine.start();
    }

    /** A second API server on the same registry, https only (PEM certificate and key), on the bridge address. */
    String startTlsApi(Path cert, Path key) {
        ApiConfig config = ApiConfig.builder(VERSION).noSocket().listen("https://" + cluster.hostIp() + ":0").tls(cert, key).build();
        ApiServer tls = new ApiServer(registry, config, new FleetMetrics(), SocketActivation.none());
        try {
            tls.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the https API server: " + e.getMessage(), e);
        }
        extraApis.add(tls);
        return tls.tcpEndpoints().get(0).toString();
    }

    /** The API's TCP endpoint, on the host's bridge address (the machines reach it too). */
    String apiUrl() {
        return api.tcpEndpoints().get(0).toString();
    }

    int apiPort() {
        return api.tcpEndpoints().get(0).getPort();
    }

    Path apiSocket() {
        return api.unixSocket().orElseThrow();
    }

    Machine machine(int index) {
        return cluster.machine(index);
    }

    /** Announces one more machine that is not really there (for id-prefix clashes). */
    void announceFakeMachine(String id, String ip) {
        presences.put(id, registry.join(new MachineState(id, ip, Map.of(), VERSION), "fake", Duration.ofMinutes(30)));
    }

    /**
     * Starts a transient unit {@code unit} running {@code command} in machine {@code index} and records it
     * in the registry as launched there, with systemd's view of it.
     */
    void launch(String unit, int index, String shellCommand, String activeState, String subState) {
        String unitText = "[Unit]\nDescription=" + unit + " (ssh IT)\n\n[Service]\nExecStart=/bin/sh -c '" + shellCommand + "'\n";
        sh(index, "systemd-run", "--quiet", "--unit", unit, "--property=Description=" + unit + " (ssh IT)", "/bin/sh", "-c", shellCommand);
        registry.createJob(unit, unitFile(unitText), TargetState.LAUNCHED);
        String hash = registry.job(unit).orElseThrow().unitHash();
        registry.applySchedule(engine.leadership().orElseThrow(),
                List.of(ScheduleChange.assign(unit, machine(index).machineId(), hash, TargetState.LAUNCHED, "ssh IT")));
        publish(unit, index, hash, activeState, subState);
    }

    /**
     * A shell prefix for a unit's command: waits until systemd's "Started" line of {@code unit} is in the journal,
     * so that what the command prints comes after it. systemd logs that line as it starts the process, and the
     * process's first lines race it to journald; a test reading the last lines of the journal needs them last.
     */
    static String afterStartedLine(String unit) {
        return "until journalctl -q -u " + unit + " -o cat | grep -q ^Started; do sleep 0.1; done; ";
    }

    /** A global unit running in the given machines (and reported by them). */
    void launchGlobal(String unit, String shellCommand, int... indexes) {
        String unitText = "[Service]\nExecStart=/bin/sh -c '" + shellCommand + "'\n\n[X-Fleet]\nGlobal=true\n";
        registry.createJob(unit, unitFile(unitText), TargetState.LAUNCHED);
        String hash = registry.job(unit).orElseThrow().unitHash();
        for (int i : indexes) {
            sh(i, "systemd-run", "--quiet", "--unit", unit, "/bin/sh", "-c", shellCommand);
            publish(unit, i, hash, "active", "running");
        }
    }

    /** A unit known to the registry but not scheduled anywhere (current state inactive). */
    void submitOnly(String unit) {
        registry.createJob(unit, unitFile("[Service]\nExecStart=/bin/true\n"), TargetState.INACTIVE);
    }

    private void publish(String unit, int index, String hash, String active, String sub) {
        MachinePresence presence = presences.get(machine(index).name());
        registry.publishUnitState(presence, new UnitState(unit, presence.machineId(), hash, "loaded", active, sub, TargetState.LAUNCHED));
    }

    CommandResult sh(int index, String... command) {
        CommandResult r = cluster.sh(index, command);
        if (!r.succeeded()) throw new IllegalStateException("m" + index + ": " + String.join(" ", command) + " failed: " + r.stderr());
        return r;
    }

    /** fleetctl's usual flags for this cluster: its API, root, the cluster's key and known_hosts. */
    List<String> baseArgs() {
        return List.of("--endpoint", apiUrl(), "--ssh-username", "root", "--identity-file", cluster.identityFile().toString(),
                "--known-hosts-file", cluster.knownHostsFile().toString(), "--ssh-timeout", "20");
    }

    /** fleetctl in this JVM, stdin not a terminal. */
    Run fleetctl(Map<String, String> env, String stdin, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Fleetctl.run(args.toArray(new String[0]), env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new DriverClientFactory());
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run fleetctl(String... args) {
        List<String> all = new ArrayList<>(baseArgs());
        all.addAll(List.of(args));
        return fleetctl(Map.of(), "", all);
    }

    /** The repo's launcher as a process (stdin a pipe), for runs that must be stopped or need their own stdin. */
    Process launcher(Map<String, String> env, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/fleetctl").toString()));
        cmd.addAll(args);
        return startProcess(env, cmd);
    }

    /** The launcher under script(1), so that its stdin is a real pseudo-terminal; {@code input} is typed into it. */
    Process launcherOnTerminal(Map<String, String> env, List<String> args) {
        StringBuilder line = new StringBuilder(quote(repo.resolve("bin/fleetctl").toString()));
        for (String a : args) line.append(' ').append(quote(a));
        return startProcess(env, List.of("script", "-qec", line.toString(), "/dev/null"));
    }

    /** A shell script under script(1) (its stdin a pseudo-terminal); {@code fleetctl} in it is the repo's launcher. */
    Process onTerminal(Map<String, String> env, String shellScript) {
        String script = "fleetctl() { " + quote(repo.resolve("bin/fleetctl").toString()) + " \"$@\"; }\n" + shellScript;
        return startProcess(env, List.of("script", "-qec", "sh -c " + quote(script), "/dev/null"));
    }

    /** fleetctl's usual flags as one shell-quoted string. */
    String baseArgsForShell() {
        StringBuilder b = new StringBuilder();
        for (String a : baseArgs()) b.append(quote(a)).append(' ');
        return b.toString().trim();
    }

    private Process startProcess(Map<String, String> env, List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().remove("SSH_AUTH_SOCK");
        // no class-data-sharing archive unless asked for (making one costs a training run)
        pb.environment().put("FLEETCTL_NO_CDS", "1");
        pb.environment().putAll(env);
        if (pb.environment().get("FLEETCTL_NO_CDS").isEmpty()) pb.environment().remove("FLEETCTL_NO_CDS");
        try {
            Process p = pb.start();
            synchronized (processes) {
                processes.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UnitFile unitFile(String text) {
        try {
            return UnitFile.parse(text);
        } catch (org.fleetj.unit.UnitParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() {
        synchronized (processes) {
            for (Process p : processes) p.destroyForcibly();
        }
        try {
            presences.values().forEach(MachinePresence::close);
            if (engine != null) engine.close();
            extraApis.forEach(ApiServer::close);
            if (api != null) api.close();
            registry.close();
        } finally {
            try {
                cluster.close();
            } finally {
                deleteTree(work);
            }
        }
    }

    /** What an in-process fleetctl run gave. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("scripts/local-cluster"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("not inside the repository (no scripts/local-cluster above " + Path.of("").toAbsolutePath() + ")");
        return p;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code unit}'s journal on machine m{@code machine} holds {@code text}. */
    void awaitJournal(int machine, String unit, String text) {
        org.awaitility.Awaitility.await(unit + " on m" + machine + " logs " + text).atMost(Duration.ofSeconds(30))
                .until(() -> cluster.sh(machine, "journalctl", "--unit", unit, "--no-pager", "--output", "cat").stdout().contains(text));
    }

    /** Waits until {@code unit} on machine m{@code machine} is {@code state} ({@code systemctl is-active}). */
    void awaitState(int machine, String unit, String state) {
        org.awaitility.Awaitility.await(unit + " on m" + machine + " becomes " + state).atMost(Duration.ofSeconds(30))
                .until(() -> cluster.sh(machine, "systemctl", "is-active", unit).trimmed().equals(state));
    }
}
