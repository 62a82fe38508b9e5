package org.fleetj.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One etcd member (Debian's etcd-server) owned by a test: free client and peer ports, a scratch data dir under
 * /var/tmp, its log next to it. Outage tests can {@link #pause()}/{@link #resume()} it (SIGSTOP/SIGCONT: clients
 * hang) or {@link #shutdown()}/{@link #restart()} it (same ports and data: clients are refused meanwhile).
 * {@link #close()} stops it and deletes its files; a JVM shutdown hook does the same if a test forgets.
 *
 * <pre>{@code
 * try (EtcdServer etcd = EtcdServer.start()) {
 *     new EtcdGateway(etcd.endpoint()).put("k", "v");
 * }
 * }</pre>
 */
public final class EtcdServer implements AutoCloseable {
    /** The etcd binary; override with -Dfleet.etcd.bin=... or FLEET_ETCD_BIN. */
    static final String ETCD_BIN = System.getProperty("fleet.etcd.bin",
            System.getenv().getOrDefault("FLEET_ETCD_BIN", "/usr/bin/etcd"));
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final List<String> extraClientHosts;
    private final String initialCluster;
    private final List<String> tuning;
    private final EtcdTls tls;
    private final int metricsPort;
    private final Path baseDir;
    private final Thread cleanupOnExit;
    // read by status checks outside the lock that restart/pause/resume take
    private volatile Process process;
    private volatile boolean paused;
    private boolean closed;

    EtcdServer(String name, int clientPort, int peerPort, List<String> extraClientHosts, String initialCluster, List<String> tuning) {
        this(name, clientPort, peerPort, extraClientHosts, initialCluster, tuning, null, -1);
    }

    EtcdServer(String name, int clientPort, int peerPort, List<String> extraClientHosts, String initialCluster, List<String> tuning,
               EtcdTls tls, int metricsPort) {
        if (!Files.isExecutable(Path.of(ETCD_BIN))) {
            throw new EtcdServerException("no etcd binary at " + ETCD_BIN + " (apt-get install etcd-server, or set -Dfleet.etcd.bin)");
        }
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.extraClientHosts = List.copyOf(extraClientHosts);
        this.initialCluster = initialCluster;
        this.tuning = List.copyOf(tuning);
        this.tls = tls;
        this.metricsPort = metricsPort;
        this.baseDir = TempDirs.create("fleet-etcd-" + name + "-");
        this.cleanupOnExit = new Thread(this::destroyQuietly, "etcd-" + name + "-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /** A single-member etcd on 127.0.0.1, healthy when this returns. */
    public static EtcdServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a single-member etcd. */
    public static final class Builder {
        private final List<String> extraClientHosts = new ArrayList<>();
        private EtcdTls tls;

        private Builder() {
        }

        /**
         * Also listen for clients on this local address, e.g. a local-cluster bridge IP so fleetd inside machines
         * can reach this etcd ({@link #endpointOn(String)}).
         */
        public Builder alsoListenOn(String hostAddress) {
            extraClientHosts.add(hostAddress);
            return this;
        }

        /**
         * Serve clients over TLS only ({@code https://} endpoints), requiring client certificates signed by the
         * given CA. Health is then checked on a separate plain-HTTP metrics port.
         */
        public Builder tls(EtcdTls tls) {
            this.tls = tls;
            return this;
        }

        public EtcdServer start() {
            List<Integer> ports = FreePorts.allocate(3);
            String name = "t" + ProcessHandle.current().pid() + "-" + ports.get(0);
            // a single member elects itself once; short timeouts make that first election (and startup) quick
            EtcdServer server = new EtcdServer(name, ports.get(0), ports.get(1), extraClientHosts,
                    name + "=http://127.0.0.1:" + ports.get(1), List.of("--heartbeat-interval", "50", "--election-timeout", "300"),
                    tls, tls == null ? -1 : ports.get(2));
            try {
                server.launch();
                server.awaitHealthy(STARTUP_TIMEOUT);
                return server;
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }

    /** {@code http://127.0.0.1:<client port>} ({@code https} when started with {@link Builder#tls(EtcdTls)}) */
    public String endpoint() {
        return endpointOn("127.0.0.1");
    }

    /** Where {@code /health} answers over plain HTTP: the client endpoint, or the metrics port under TLS. */
    public String healthEndpoint() {
        return tls == null ? endpoint() : "http://127.0.0.1:" + metricsPort;
    }

    /** The client URL on one of the addresses given to {@link Builder#alsoListenOn(String)}. */
    public String endpointOn(String hostAddress) {
        if (!hostAddress.equals("127.0.0.1") && !extraClientHosts.contains(hostAddress)) {
            throw new IllegalArgumentException("etcd " + name + " does not listen on " + hostAddress + " (listens on 127.0.0.1 " + extraClientHosts + ")");
        }
        return scheme() + "://" + hostAddress + ":" + clientPort;
    }

    private String scheme() {
        return tls == null ? "http" : "https";
    }

    public String name() {
        return name;
    }

    public int clientPort() {
        return clientPort;
    }

    public int peerPort() {
        return peerPort;
    }

    public String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    public Path dataDir() {
        return baseDir.resolve("data");
    }

    public Path logFile() {
        return baseDir.resolve("etcd.log");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Host PID of the etcd process. */
    public synchronized long pid() {
        requireRunning("pid");
        return process.pid();
    }

    /** True when /health answers healthy within the timeout (false while paused, stopped or without quorum). */
    public boolean isHealthy(Duration timeout) {
        return new EtcdGateway(healthEndpoint()).isHealthy(timeout);
    }

    /** Freezes etcd with SIGSTOP: connections stay open but nothing answers (a hung etcd). */
    public synchronized void pause() {
        requireRunning("pause");
        signal("STOP");
        paused = true;
        awaitAllThreadsStopped();
    }

    /**
     * kill(2) returns once SIGSTOP is queued, not once etcd has stopped: the kernel stops the other threads only after
     * one thread has taken the signal, and on a busy machine that thread may wait to be scheduled while the others
     * still answer requests. A test that expects a hung etcd right after {@link #pause()} needs every thread stopped,
     * so this waits for state 'T' in each {@code /proc/<pid>/task/<tid>/stat}.
     */
    private void awaitAllThreadsStopped() {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!allStopped(tasks)) {
            if (System.nanoTime() > deadline) {
                throw new EtcdServerException("etcd " + name + " did not stop within 10 s of SIGSTOP");
            }
            sleep(5);
        }
    }

    private static boolean allStopped(Path tasks) {
        try (var threads = Files.list(tasks)) {
            return threads.allMatch(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    // the state follows the command name, which is in parentheses and may itself hold spaces
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'T' || state == 't';
                } catch (IOException e) {
                    return true; // the thread has exited
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tasks, e);
        }
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        requireRunning("resume");
        signal("CONT");
        paused = false;
    }

    /** Graceful stop (SIGTERM) that keeps the data dir and ports for {@link #restart()}: clients get refused. */
    public synchronized void shutdown() {
        if (!isRunning()) {
            return;
        }
        if (paused) {
            resume();
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** SIGKILL: a crash, without etcd's graceful shutdown. Data dir and ports are kept. */
    public synchronized void crash() {
        if (!isRunning()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
    }

    /** Starts etcd again on the same ports and data dir after {@link #shutdown()} or {@link #crash()}; waits for health. */
    public void restart() {
        launch();
        awaitHealthy(STARTUP_TIMEOUT);
    }

    synchronized void launch() {
        if (closed) {
            throw new EtcdServerException("etcd " + name + " is closed");
        }
        if (isRunning()) {
            throw new EtcdServerException("etcd " + name + " is already running (pid " + process.pid() + ")");
        }
        StringBuilder clientUrls = new StringBuilder(scheme() + "://127.0.0.1:" + clientPort);
        extraClientHosts.forEach(h -> clientUrls.append(',').append(scheme()).append("://").append(h).append(':').append(clientPort));
        List<String> cmd = new ArrayList<>(List.of(ETCD_BIN,
                "--name", name,
                "--data-dir", dataDir().toString(),
                "--listen-client-urls", clientUrls.toString(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peerUrl(),
                "--initial-advertise-peer-urls", peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                // one token for all members of a cluster (they refuse peers with another), unique per cluster
                "--initial-cluster-token", "testkit-" + Integer.toHexString(initialCluster.hashCode())));
        cmd.addAll(tuning);
        if (tls != null) {
            cmd.addAll(List.of("--cert-file", tls.certFile().toString(), "--key-file", tls.keyFile().toString(),
                    "--client-cert-auth", "--trusted-ca-file", tls.caFile().toString(),
                    "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // ETCD_* variables of the caller would silently override the flags above
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        try {
            process = pb.start();
            paused = false;
        } catch (IOException e) {
            throw new EtcdServerException("cannot start " + ETCD_BIN + ": " + e.getMessage(), e);
        }
    }

    /** Waits until /health answers healthy (for a member of a cluster: a leader exists); fails after the timeout. */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        EtcdGateway gateway = new EtcdGateway(healthEndpoint());
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new EtcdServerException("etcd " + name + " exited with " + exitCodeOrNone() + " while starting; log " + logFile() + ":\n" + logTail());
            }
            if (gateway.isHealthy(Duration.ofSeconds(1))) {
                return;
            }
            sleep(50);
        }
        throw new EtcdServerException("etcd " + name + " on " + endpoint() + " not healthy after " + timeout.toSeconds() + " s; log " + logFile() + ":\n" + logTail());
    }

    /** Stops etcd and deletes its data dir and log. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException jvmAlreadyExiting) {
            // the hook is running or about to: it does the same cleanup
        }
        shutdown();
        TempDirs.deleteRecursively(baseDir);
    }

    private void destroyQuietly() {
        Process p = process;
        if (p != null && p.isAlive()) {
            if (paused) {
                signal("CONT");
            }
            p.destroyForcibly();
        }
        try {
            TempDirs.deleteRecursively(baseDir);
        } catch (RuntimeException ignored) {
            // best effort while the JVM exits
        }
    }

    private void signal(String sig) {
        CommandRunner.run(List.of("kill", "-" + sig, Long.toString(process.pid())), Map.of(), Duration.ofSeconds(5)).requireSuccess();
    }

    private void requireRunning(String what) {
        if (!isRunning()) {
            throw new EtcdServerException("cannot " + what + " etcd " + name + ": it is not running");
        }
    }

    private String exitCodeOrNone() {
        return process == null ? "none" : String.valueOf(process.exitValue());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdServerException("interrupted while waiting for etcd", e);
        }
    }
}
