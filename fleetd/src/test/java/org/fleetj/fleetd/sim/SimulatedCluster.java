package org.fleetj.fleetd.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.fleetj.fleetd.api.ApiConfig;
import org.fleetj.fleetd.api.ApiServer;
import org.fleetj.fleetd.api.ApiServerException;
import org.fleetj.fleetd.api.SocketActivation;
import org.fleetj.fleetd.engine.Engine;
import org.fleetj.fleetd.engine.EngineReconciler;
import org.fleetj.fleetd.engine.EngineStats;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.scheduler.Scheduler;

/**
 * fleetd's real server side without systemd: the API server (unix socket in a scratch directory under
 * /var/tmp plus a TCP listener on a free port) and the real leader-elected {@link Engine} over a
 * {@link Registry}, with {@link SimulatedAgent}s as machines. Closing it stops everything it started
 * (the registry is the caller's).
 */
public final class SimulatedCluster implements AutoCloseable {
    public static final String VERSION = "0.1.0-sim";

    private final Registry registry;
    private final Path dir;
    private final ApiServer api;
    private final List<SimulatedAgent> agents = new ArrayList<>();
    private Engine engine;

    /**
     * @param tokenLimit the API's page size ({@code token_limit})
     */
    public SimulatedCluster(Registry registry, int tokenLimit) {
        this.registry = registry;
        try {
            dir = Files.createTempDirectory(Path.of("/var/tmp"), "fleet-sim-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ApiConfig config = ApiConfig.builder(VERSION).socketPath(dir.resolve("fleet.sock")).listen("http://127.0.0.1:0")
                .tokenLimit(tokenLimit).build();
        api = new ApiServer(registry, config, new FleetMetrics(), SocketActivation.none());
        try {
            api.start();
        } catch (ApiServerException e) {
            close();
            throw new IllegalStateException("cannot start the API server: " + e.getMessage(), e);
        }
        startEngine();
    }

    /** Starts an engine (campaigning as machine "engine0..."): there is one from the start. */
    public synchronized void startEngine() {
        if (engine != null) return;
        engine = new Engine(registry, "e0000000000000000000000000000000", Duration.ofSeconds(2),
                new EngineReconciler(registry, Scheduler.leastLoaded(), EngineStats.NONE));
        engine.start();
    }

    /** Stops the engine: nothing gets scheduled or unscheduled until {@link #startEngine()}. */
    public synchronized void stopEngine() {
        if (engine != null) engine.close();
        engine = null;
    }

    public Registry registry() {
        return registry;
    }

    /** The API's unix socket. */
    public Path socket() {
        return api.unixSocket().orElseThrow();
    }

    /** {@code unix://<socket>}, as fleetctl's --endpoint takes it. */
    public String unixEndpoint() {
        return "unix://" + socket();
    }

    /** {@code http://127.0.0.1:<port>} of the TCP listener. */
    public String tcpEndpoint() {
        URI uri = api.tcpEndpoints().get(0);
        return "http://127.0.0.1:" + uri.getPort();
    }

    /** A scratch directory removed on close (for unit files and the like). */
    public Path dir() {
        return dir;
    }

    /** Adds a machine and waits for nothing: its first pass runs in the background. */
    public synchronized SimulatedAgent addMachine(String id, String ip, Map<String, String> metadata) {
        SimulatedAgent agent = new SimulatedAgent(registry, new MachineState(id, ip, metadata, VERSION), Duration.ofSeconds(30));
        agents.add(agent);
        return agent.start();
    }

    public synchronized Optional<SimulatedAgent> agent(String id) {
        return agents.stream().filter(a -> a.id().equals(id)).findFirst();
    }

    /** The machine leaves the cluster (its lease is revoked). */
    public synchronized void removeMachine(String id) {
        SimulatedAgent agent = agent(id).orElseThrow(() -> new IllegalArgumentException("no machine " + id));
        agents.remove(agent);
        agent.close();
    }

    @Override
    public synchronized void close() {
        stopEngine();
        for (SimulatedAgent a : agents) a.close();
        agents.clear();
        if (api != null) api.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
