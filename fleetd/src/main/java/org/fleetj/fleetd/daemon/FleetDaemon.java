package org.fleetj.fleetd.daemon;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.fleetj.api.MachineIds;
import org.fleetj.fleetd.MachineIdentity;
import org.fleetj.fleetd.Version;
import org.fleetj.fleetd.agent.Agent;
import org.fleetj.fleetd.agent.LocalUnit;
import org.fleetj.fleetd.api.ApiConfig;
import org.fleetj.fleetd.api.ApiServer;
import org.fleetj.fleetd.api.ApiServerException;
import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.fleetd.engine.Engine;
import org.fleetj.fleetd.engine.EngineReconciler;
import org.fleetj.fleetd.machine.CapacityDetector;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.fleetd.systemd.SystemdException;
import org.fleetj.fleetd.systemd.SystemdManager;
import org.fleetj.registry.DuplicateMachineException;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.support.Backoff;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.scheduler.SchedulerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fleetd: the API server, this machine's agent and (unless {@code disable_engine}) an engine candidate,
 * over one registry client. Lifecycle: {@link #start()} once, then {@link #reload(FleetConfig)} on SIGHUP,
 * {@link #dumpState()} on SIGUSR1, and {@link #close()} on SIGTERM.
 *
 * <p>Stopping fleetd never stops a unit, and it does not leave the cluster either: its presence lease is left
 * to expire on its own ({@code agent_ttl}). A restarted fleetd takes its registration over well within that
 * time, so {@code systemctl restart fleetd} moves and restarts nothing; a machine that stays down is noticed
 * when the lease expires, exactly as a crash is.
 */
public final class FleetDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FleetDaemon.class);
    /** How often the agent re-reads everything without an event: a safety net, not the way work arrives. */
    static final Duration AGENT_SAFETY_INTERVAL = Duration.ofSeconds(30);
    private static final Duration JOIN_RETRY_FIRST = Duration.ofMillis(250);
    private static final Duration JOIN_RETRY_CAP = Duration.ofSeconds(5);

    private final MachineIdentity identity;
    private final RegistryOpener registryOpener;
    private final SystemdConnector systemdConnector;
    private final FleetMetrics metrics = new FleetMetrics();
    private volatile FleetConfig config;
    private volatile boolean closing;
    // written once by start(); read by close() and signal handlers on other threads
    private volatile Registry registry;
    private ApiServer api;
    private SystemdManager systemd;
    private volatile MachinePresence presence;
    private volatile Agent agent;
    private Engine engine;
    private String publicIp;

    /**
     * @param registryOpener   opens the registry client (must not block on an unreachable store)
     * @param systemdConnector connects to this machine's systemd
     */
    public FleetDaemon(FleetConfig config, MachineIdentity identity, RegistryOpener registryOpener,
                       SystemdConnector systemdConnector) {
        this.config = Objects.requireNonNull(config, "config");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.registryOpener = Objects.requireNonNull(registryOpener, "registryOpener");
        this.systemdConnector = Objects.requireNonNull(systemdConnector, "systemdConnector");
    }

    /** The API configuration {@code config} asks for; invalid combinations name the fleet.conf option. */
    public static ApiConfig apiConfig(FleetConfig config) {
        ApiConfig.Builder b = ApiConfig.builder(Version.VERSION).tokenLimit(config.tokenLimit()).listen(config.listen());
        if (config.apiSocket().toString().isEmpty()) {
            b.noSocket();
        } else {
            b.socketPath(config.apiSocket());
        }
        config.apiSocketGroup().ifPresent(b::socketGroup);
        if (config.listenCertFile().isPresent() || config.listenKeyFile().isPresent()) {
            if (config.listenCertFile().isEmpty() || config.listenKeyFile().isEmpty()) {
                throw new IllegalArgumentException("listen_certfile and listen_keyfile must be given together");
            }
            b.tls(config.listenCertFile().get(), config.listenKeyFile().get());
        }
        config.listenCaFile().ifPresent(b::clientCa);
        return b.build();
    }

    /**
     * Opens the API, connects to systemd, joins the cluster (retrying while the registry is unreachable: that is
     * not a reason to give up) and starts the agent and the engine.
     *
     * @throws FleetdStartException when something this machine controls is wrong (listener, systemd, machine id)
     */
    public synchronized void start() throws FleetdStartException {
        FleetConfig c = config;
        log.info("fleetd {} starting on machine {} ({}): {}", Version.VERSION, identity.machineId(), identity.hostname(), c.describe());
        registry = registryOpener.open(c);
        try {
            api = new ApiServer(registry, apiConfig(c), metrics);
            api.start();
        } catch (ApiServerException | IllegalArgumentException e) {
            throw new FleetdStartException("cannot open the API: " + e.getMessage(), e);
        }
        try {
            systemd = systemdConnector.connect(c);
        } catch (SystemdException e) {
            throw new FleetdStartException("cannot reach systemd: " + e.getMessage(), e);
        }
        publicIp = resolvePublicIp(c);
        MachineState self = machineState(c, publicIp);
        presence = joinWithRetry(self, c.agentTtl());
        if (presence == null) return;   // closed while waiting for the registry
        metrics.agentRegistryConnected.set(1);
        presence.addListener(new MachinePresence.Listener() {
            @Override
            public void suspended() {
                metrics.agentRegistryConnected.set(0);
            }

            @Override
            public void rejoined() {
                metrics.agentRegistryConnected.set(1);
            }
        });
        agent = new Agent(registry, systemd, c.unitsDirectory(), presence, self,
                new Agent.Settings(AGENT_SAFETY_INTERVAL, c.stopOnDisconnectAfter()), MetricsStats.agent(metrics));
        agent.start();
        if (c.disableEngine()) {
            log.info("engine disabled on this machine (disable_engine=true): it never runs for leader");
        } else {
            engine = new Engine(registry, identity.machineId(), c.engineReconcileInterval(),
                    new EngineReconciler(registry, Scheduler.of(new SchedulerSettings(c.placement().ranking(), c.placement().drainMovesPerPass())),
                            MetricsStats.engine(metrics), machineLossGrace(c.agentTtl())));
            engine.start();
        }
        log.info("fleetd ready: machine {} ({}) publicIP={} metadata={} capacity for units: {}", shortId(), identity.hostname(),
                publicIp.isEmpty() ? "-" : publicIp, new TreeMap<>(c.metadata()), self.capacity());
    }

    /**
     * How long a vanished machine keeps its units (see the engine's MachineLossGrace): long enough for an agent
     * that is only re-announcing itself after an etcd outage, short enough that a crashed machine's units run
     * elsewhere within agent_ttl + 5 s (lease expiry is noticed up to 0.5 s late, and starting takes a moment).
     */
    static Duration machineLossGrace(Duration agentTtl) {
        Duration half = agentTtl.dividedBy(2);
        Duration max = Duration.ofSeconds(2);
        return half.compareTo(max) < 0 ? half : max;
    }

    private String resolvePublicIp(FleetConfig c) {
        if (!c.publicIp().isEmpty()) return c.publicIp();
        Optional<String> detected = PublicIpDetector.detect(c.etcdServers());
        detected.ifPresentOrElse(ip -> log.info("public_ip not set; announcing {} (the address this machine reaches etcd from)", ip),
                () -> log.warn("public_ip not set and no address could be detected; fleetctl ssh/journal cannot reach this machine"));
        return detected.orElse("");
    }

    private MachineState machineState(FleetConfig c, String ip) {
        return new MachineState(identity.machineId(), ip, c.metadata(), Version.VERSION,
                new CapacityDetector().capacity(c.placement()), MachineAvailability.SCHEDULABLE);
    }

    private MachinePresence joinWithRetry(MachineState self, Duration ttl) throws FleetdStartException {
        Backoff backoff = new Backoff(JOIN_RETRY_FIRST, JOIN_RETRY_CAP);
        long since = System.nanoTime();
        boolean warned = false;
        while (!closing) {
            try {
                MachinePresence p = registry.join(self, identity.hostname(), ttl);
                if (warned) log.info("joined the cluster after waiting {} ms for the registry", (System.nanoTime() - since) / 1_000_000);
                return p;
            } catch (DuplicateMachineException e) {
                throw new FleetdStartException("refusing to join: " + e.getMessage()
                        + " (two machines must not share /etc/machine-id; regenerate it on one of them)", e);
            } catch (RegistryException e) {
                if (!warned) {
                    log.warn("cannot join the cluster yet ({}); retrying until the registry answers. Units on this machine are left as they are",
                            e.getMessage());
                    warned = true;
                } else {
                    log.debug("join retry failed: {}", e.getMessage());
                }
            }
            sleep(backoff.next());
        }
        return null;
    }

    /**
     * SIGHUP: applies what can change on a running fleetd (metadata, public_ip, verbosity) and says which other
     * changes need a restart. Listeners stay open, units stay as they are.
     */
    public synchronized void reload(FleetConfig next) {
        FleetConfig old = config;
        config = next;
        Logging.applyVerbosity(next.verbosity());
        String nextIp = next.publicIp().isEmpty() ? publicIp : next.publicIp();
        if (!next.metadata().equals(old.metadata()) || !Objects.equals(nextIp, publicIp)) {
            publicIp = nextIp;
            if (presence != null) {
                try {
                    presence.update(machineState(next, nextIp));
                    log.info("reload: announced publicIP={} metadata={}", nextIp.isEmpty() ? "-" : nextIp, new TreeMap<>(next.metadata()));
                    if (agent != null) agent.requestReconcile();   // global units may now match, or not
                } catch (RegistryException e) {
                    log.warn("reload: could not announce the new metadata yet ({}); it is sent when the registry answers", e.getMessage());
                }
            }
        }
        Map<String, Object[]> needRestart = new TreeMap<>();
        compare(needRestart, "etcd_servers", old.etcdServers(), next.etcdServers());
        compare(needRestart, "etcd_key_prefix", old.etcdKeyPrefix(), next.etcdKeyPrefix());
        compare(needRestart, "agent_ttl", old.agentTtl(), next.agentTtl());
        compare(needRestart, "engine_reconcile_interval", old.engineReconcileInterval(), next.engineReconcileInterval());
        compare(needRestart, "units_directory", old.unitsDirectory(), next.unitsDirectory());
        compare(needRestart, "disable_engine", old.disableEngine(), next.disableEngine());
        compare(needRestart, "systemd_user", old.systemdUser(), next.systemdUser());
        compare(needRestart, "api_socket", old.apiSocket(), next.apiSocket());
        compare(needRestart, "listen", old.listen(), next.listen());
        compare(needRestart, "token_limit", old.tokenLimit(), next.tokenLimit());
        compare(needRestart, "stop_on_disconnect_after", old.stopOnDisconnectAfter(), next.stopOnDisconnectAfter());
        needRestart.forEach((name, values) -> log.warn("reload: {} changed ({} -> {}); it takes effect when fleetd restarts",
                name, values[0], values[1]));
        log.info("reload: configuration reloaded (verbosity={})", next.verbosity());
    }

    private static void compare(Map<String, Object[]> out, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) out.put(name, new Object[]{before, after});
    }

    /** SIGUSR1: what this fleetd runs and knows, in the log. */
    public void dumpState() {
        StringBuilder b = new StringBuilder("state dump: machine ").append(identity.machineId())
                .append(" registry=").append(presence != null && presence.isAlive() ? "joined" : "not joined")
                .append(" engine=").append(engine == null ? "disabled" : engine.isLeading() ? "leader" : "candidate");
        Agent a = agent;
        if (a != null) {
            Map<String, LocalUnit> units = a.localUnits();
            b.append(" units=").append(units.size());
            units.values().forEach(u -> b.append("\n  ").append(u.name()).append(' ').append(u.applied().wireName())
                    .append(" hash=").append(u.hash().length() > 7 ? u.hash().substring(0, 7) : u.hash()));
        }
        if (registry != null) {
            b.append("\n  registry requests=").append(registry.metrics().totalCount())
                    .append(" failed=").append(registry.metrics().totalFailures());
        }
        log.info("{}", b);
    }

    public FleetMetrics metrics() {
        return metrics;
    }

    /** The API server (for tests and the state dump); null before {@link #start()}. */
    public ApiServer api() {
        return api;
    }

    public boolean isEngineLeader() {
        Engine e = engine;
        return e != null && e.isLeading();
    }

    private String shortId() {
        return MachineIds.shortId(identity.machineId());
    }

    /**
     * Clean shutdown: stops serving, resigns leadership, stops the agent. Every unit keeps running, and the
     * presence lease is left to expire by itself (see the class comment).
     */
    @Override
    public void close() {
        closing = true;
        synchronized (this) {
            log.info("fleetd stopping: units keep running; this machine's registration expires in {} unless fleetd returns",
                    config.agentTtl());
            closeQuietly("API", api);
            closeQuietly("engine", engine);
            closeQuietly("agent", agent);
            closeQuietly("systemd connection", systemd);
            closeQuietly("registry client", registry);
            log.info("fleetd stopped");
        }
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing the {} failed: {}", what, e.toString());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
