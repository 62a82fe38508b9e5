package org.fleetj.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A multi-machine fleet cluster on this host, driven through {@code scripts/local-cluster} (needs root). The script
 * is the machine runtime's one home (docs/local-cluster.md says why); this class is a typed client of its commands
 * and knows nothing of its state layout. Each
 * instance has a cluster name of its own (derived from the JVM's PID), so the script gives it its own bridge,
 * subnet, etcd ports, netns/veth names and cgroup subtree, and parallel test JVMs do not collide.
 * {@link #close()} tears everything down; so does a JVM shutdown hook if a test never gets to close it.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.create().up(3, LocalClusterOptions.defaults().withoutFleetd())) {
 *     cluster.sh("m2", "systemctl", "is-system-running").trimmed();   // "running"
 * }
 * }</pre>
 * Machines are numbered from 1: {@code machine(1)} is m1.
 */
public final class LocalCluster implements AutoCloseable {
    /** TCP port of fleetd's HTTP API in every machine (fleet.conf: listen=http://0.0.0.0:49153). */
    public static final int FLEETD_API_PORT = 49153;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final String name;
    private final Path script;
    private final Path stateDir;
    private final Thread downOnExit;
    private boolean hookInstalled;
    private boolean closed;

    private LocalCluster(String name) {
        this.name = name;
        this.script = RepoRoot.find().resolve(RepoRoot.SCRIPT);
        this.stateDir = Path.of(run(List.of("state-dir"), COMMAND_TIMEOUT).requireSuccess().trimmed());
        this.downOnExit = new Thread(this::downQuietly, "local-cluster-" + name + "-down");
    }

    /** A cluster with a name no other JVM on this host uses ("t" + PID + counter, base 36, at most 8 characters). */
    public static LocalCluster create() {
        return named("t" + Long.toString(ProcessHandle.current().pid(), 36) + Integer.toString(INSTANCES.getAndIncrement(), 36));
    }

    /** A cluster with this exact name (1-8 characters a-z0-9, starting with a letter). */
    public static LocalCluster named(String name) {
        if (!name.matches("[a-z][a-z0-9]{0,7}")) {
            throw new IllegalArgumentException("local cluster names are 1-8 characters a-z0-9 starting with a letter, got " + name);
        }
        return new LocalCluster(name);
    }

    public LocalCluster up(int machines) {
        return up(machines, LocalClusterOptions.defaults());
    }

    /** Boots machines m1..m{machines} (those not up yet) and waits until they run (and fleetd registered, if installed). */
    public synchronized LocalCluster up(int machines, LocalClusterOptions options) {
        if (closed) {
            throw new LocalClusterException("local cluster " + name + " is closed");
        }
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(downOnExit);
            hookInstalled = true;
        }
        List<String> args = new ArrayList<>(List.of("up", Integer.toString(machines)));
        args.addAll(options.toArgs());
        CommandResult r = run(args, options.bootTimeout().plus(Duration.ofMinutes(1)));
        System.err.print(r.stderr());   // the script's boot timings, for the test log
        if (!r.succeeded()) {
            throw new LocalClusterException("local-cluster " + name + " up " + machines + " failed (exit " + r.exitCode() + "):\n" + r.stderr().strip());
        }
        return this;
    }

    public String name() {
        return name;
    }

    /** /var/lib/fleet-local-cluster/&lt;name&gt; unless FLEET_CLUSTER_BASE says otherwise. */
    public Path stateDir() {
        return stateDir;
    }

    /** The cluster's settings as the script recorded them (SUBNET, ETCD_ENDPOINT, KEY_PREFIX, BRIDGE, ...). */
    public Map<String, String> settings() {
        CommandResult r = run(List.of("settings"), COMMAND_TIMEOUT);
        if (!r.succeeded()) {
            throw new LocalClusterException("local cluster " + name + " has no settings (is it up?): " + r.stderr().strip());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    public String etcdEndpoint() {
        return setting("ETCD_ENDPOINT");
    }

    public String keyPrefix() {
        return setting("KEY_PREFIX");
    }

    /** Host side of the bridge, e.g. 10.77.3.1. */
    public String hostIp() {
        return setting("HOST_IP");
    }

    public String bridge() {
        return setting("BRIDGE");
    }

    /** etcd's v3 JSON gateway of this cluster (over https with the host operator's client certificate by default). */
    public EtcdGateway etcd() {
        return etcdClientTls().map(tls -> new EtcdGateway(etcdEndpoint(), tls)).orElseGet(() -> new EtcdGateway(etcdEndpoint()));
    }

    /**
     * The CA and the host operator's client certificate of the cluster's etcd (from {@code scripts/local-cluster
     * settings}); empty for a cluster made with {@link LocalClusterOptions#plainEtcd()}.
     */
    public java.util.Optional<EtcdClientTls> etcdClientTls() {
        Map<String, String> s = settings();
        if (!"yes".equals(s.get("ETCD_TLS"))) return java.util.Optional.empty();
        return java.util.Optional.of(new EtcdClientTls(Path.of(s.get("ETCD_CA_FILE")), Path.of(s.get("ETCD_CERT_FILE")),
                Path.of(s.get("ETCD_KEY_FILE"))));
    }

    /** known_hosts with every machine (lines {@code <ip>,<name> ssh-ed25519 ...}). */
    public Path knownHostsFile() {
        return Path.of(setting("SSH_KNOWN_HOSTS_FILE"));
    }

    /** The ed25519 private key that root in every machine accepts. */
    public Path identityFile() {
        return Path.of(setting("SSH_IDENTITY_FILE"));
    }

    /**
     * The variables {@code scripts/local-cluster env --etcd} exports for fleetctl (FLEETCTL_ENDPOINT, and etcd's CA
     * and client certificate as FLEETCTL_CA_FILE, FLEETCTL_CERT_FILE, FLEETCTL_KEY_FILE, ...): the etcd driver, which
     * keeps working whichever machine a test crashes or cuts off.
     */
    public Map<String, String> env() {
        return exports(List.of("--etcd"));
    }

    /** The variables {@code scripts/local-cluster env} exports by default: fleetd's API on m1 over TCP. */
    public Map<String, String> apiEnv() {
        return exports(List.of());
    }

    private Map<String, String> exports(List<String> args) {
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(args);
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : run(command, COMMAND_TIMEOUT).requireSuccess().stdout().split("\n")) {
            if (line.startsWith("export ")) {
                String kv = line.substring("export ".length());
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }

    /**
     * The credentials of the cluster's TLS API (CA, tokens and client certificates of both roles, from
     * {@code scripts/local-cluster settings}); empty for a cluster made with {@link LocalClusterOptions#plainApi()}.
     */
    public java.util.Optional<ApiCredentials> apiCredentials() {
        Map<String, String> s = settings();
        if (!"yes".equals(s.get("API_TLS"))) return java.util.Optional.empty();
        return java.util.Optional.of(new ApiCredentials(Path.of(s.get("API_CA_FILE")), s.get("API_WRITE_TOKEN"), s.get("API_READ_TOKEN"),
                Path.of(s.get("API_ADMIN_CERT")), Path.of(s.get("API_ADMIN_KEY")), Path.of(s.get("API_VIEWER_CERT")),
                Path.of(s.get("API_VIEWER_KEY"))));
    }

    /**
     * The variables that point fleetctl's API driver at {@code machine}'s fleetd with the write role: its URL, and on
     * a TLS API the cluster CA and the write token.
     */
    public Map<String, String> apiDriverEnv(Machine machine) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("FLEETCTL_DRIVER", "api");
        m.put("FLEETCTL_ENDPOINT", machine.apiUrl());
        apiCredentials().ifPresent(c -> {
            m.put("FLEETCTL_CA_FILE", c.caFile().toString());
            m.put("FLEETCTL_API_TOKEN", c.writeToken());
        });
        return m;
    }

    /** Every machine the cluster has (up or down), in order m1, m2, ...; none before the first {@link #up}. */
    public List<Machine> machines() {
        CommandResult r = run(List.of("machines", "--long"), COMMAND_TIMEOUT);
        if (!r.succeeded()) {
            return List.of();   // no cluster (yet): no machines
        }
        List<Machine> all = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 5) {
                all.add(new Machine(f[0], f[1], f[2], Long.parseLong(f[3]), f[4]));
            }
        }
        return List.copyOf(all);
    }

    /** Machine {@code index} (1-based: 1 is m1). */
    public Machine machine(int index) {
        return machine("m" + index);
    }

    public Machine machine(String machine) {
        return machines().stream().filter(m -> m.name().equals(machine)).findFirst()
                .orElseThrow(() -> new LocalClusterException("local cluster " + name + " has no machine " + machine));
    }

    /** Runs a command inside the machine (nsenter into all its namespaces); never throws on a non-zero exit. */
    public CommandResult sh(String machine, String... command) {
        requireCommand(command);
        return run(concat(List.of("sh", machine), command), COMMAND_TIMEOUT);
    }

    public CommandResult sh(int machine, String... command) {
        return sh("m" + machine, command);
    }

    /** Runs a command over ssh as root (cluster key, strict known_hosts); the words are joined by spaces, as ssh does. */
    public CommandResult ssh(String machine, String... command) {
        requireCommand(command);
        return run(concat(List.of("ssh", machine), command), COMMAND_TIMEOUT);
    }

    public CommandResult ssh(int machine, String... command) {
        return ssh("m" + machine, command);
    }

    /** Crash: kill -9 of the machine's PID 1 (its whole pid namespace dies, its network goes away). */
    public void kill(String machine) {
        script("kill", machine);
    }

    public void kill(int machine) {
        kill("m" + machine);
    }

    /** Graceful poweroff. */
    public void stop(String machine) {
        script("stop", machine);
    }

    public void stop(int machine) {
        stop("m" + machine);
    }

    /** Boots a machine that was killed or stopped, with the same machine-id, IP and host key; waits until it runs. */
    public void start(String machine) {
        script("start", machine);
    }

    public void start(int machine) {
        start("m" + machine);
    }

    /** The script's status table (machines, pids, is-system-running, fleetd state, etcd health). */
    public String status() {
        return run(List.of("status"), COMMAND_TIMEOUT).requireSuccess().stdout();
    }

    /** Stops the cluster's etcd (graceful; data and ports kept) — clients get "connection refused". */
    public void stopEtcd() {
        script("etcd", "stop");
    }

    public void startEtcd() {
        script("etcd", "start");
    }

    /** Comma-separated client URLs of every etcd member (what fleet.conf's etcd_servers lists). */
    public String etcdEndpoints() {
        String all = settings().get("ETCD_ENDPOINTS");
        return all == null ? etcdEndpoint() : all;
    }

    /** How many etcd members the cluster runs ({@code up --etcd-members}). */
    public int etcdMembers() {
        String n = settings().get("ETCD_MEMBERS");
        return n == null ? 1 : Integer.parseInt(n);
    }

    /** Stops one etcd member (1-based), gracefully. */
    public void stopEtcd(int member) {
        script("etcd", "stop", Integer.toString(member));
    }

    /** Starts one etcd member (1-based) and waits until it is healthy. */
    public void startEtcd(int member) {
        script("etcd", "start", Integer.toString(member));
    }

    /** SIGKILL to one etcd member (1-based): a crash, data dir kept. */
    public void killEtcd(int member) {
        script("etcd", "kill", Integer.toString(member));
    }

    /** SIGKILL to every etcd member. */
    public void killEtcd() {
        script("etcd", "kill", "all");
    }

    /** The current etcd leader's member number (1-based), if some member answers with one. */
    public java.util.OptionalInt etcdLeader() {
        CommandResult r = run(List.of("etcd", "leader"), COMMAND_TIMEOUT);
        return r.succeeded() ? java.util.OptionalInt.of(Integer.parseInt(r.trimmed())) : java.util.OptionalInt.empty();
    }

    /** Takes the machine off the network (the host end of its veth goes down); it keeps running. */
    public void cutNetwork(String machine) {
        script("cut", machine);
    }

    /** Puts a machine cut off by {@link #cutNetwork} back on the network. */
    public void healNetwork(String machine) {
        script("heal", machine);
    }

    /** SIGSTOP to etcd — clients hang rather than fail. */
    public void pauseEtcd() {
        script("etcd", "pause");
    }

    public void resumeEtcd() {
        script("etcd", "resume");
    }

    /** Tears the cluster down (machines, netns, veths, cgroups, bridge, etcd, state dir); safe to repeat. */
    public synchronized void down() {
        CommandResult r = run(List.of("down"), COMMAND_TIMEOUT);
        if (!r.succeeded()) {
            throw new LocalClusterException("local-cluster " + name + " down failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (hookInstalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(downOnExit);
            } catch (IllegalStateException jvmAlreadyExiting) {
                // the hook runs anyway
            }
        }
        down();
    }

    @Override
    public String toString() {
        return "LocalCluster[" + name + " " + stateDir + "]";
    }

    private void downQuietly() {
        try {
            run(List.of("down"), COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            System.err.println("local-cluster " + name + ": down at JVM exit failed: " + e.getMessage());
        }
    }

    private void script(String... args) {
        CommandResult r = run(Arrays.asList(args), COMMAND_TIMEOUT);
        if (!r.succeeded()) {
            throw new LocalClusterException("local-cluster " + name + " " + String.join(" ", args) + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip());
        }
    }

    private CommandResult run(List<String> args, Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "--name", name));
        cmd.addAll(args);
        return CommandRunner.run(cmd, timeout);
    }

    private String setting(String key) {
        String v = settings().get(key);
        if (v == null) {
            throw new LocalClusterException("local cluster " + name + " has no " + key + " in " + stateDir.resolve("cluster.env") + " (is it up?)");
        }
        return v;
    }

    private static void requireCommand(String[] command) {
        if (command.length == 0) {
            throw new IllegalArgumentException("a command to run is required");
        }
    }

    private static List<String> concat(List<String> head, String[] tail) {
        List<String> l = new ArrayList<>(head);
        l.addAll(Arrays.asList(tail));
        return l;
    }
}
