package org.fleetj.fleetctl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.fleetj.fleetd.sim.SimulatedAgent;
import org.fleetj.fleetd.sim.SimulatedCluster;
import org.fleetj.registry.Registry;
import org.fleetj.registry.memory.InMemoryRegistry;

/**
 * A cluster of simulated machines behind fleetd's real API server and engine, and fleetctl pointed at
 * it through the unix socket or the TCP listener.
 */
final class SimFleet implements AutoCloseable {
    /** Which API listener fleetctl talks to. */
    enum Transport { UNIX, TCP }

    static final String M1 = "3d1219c7c4c5404aaa1f6d2a48adfda4";
    static final String M2 = "6e1b9fae2a0c4f1b8d3e5a7c9b1d3f5e";
    static final String M3 = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    final InMemoryRegistry registry = new InMemoryRegistry();
    final SimulatedCluster cluster;
    final Transport transport;

    SimFleet(Transport transport) {
        this(transport, 100);
    }

    SimFleet(Transport transport, int tokenLimit) {
        this.transport = transport;
        this.cluster = new SimulatedCluster(registry, tokenLimit);
    }

    String endpoint() {
        return transport == Transport.UNIX ? cluster.unixEndpoint() : cluster.tcpEndpoint();
    }

    SimulatedAgent machine(String id, String ip, Map<String, String> metadata) {
        SimulatedAgent agent = cluster.addMachine(id, ip, metadata);
        await(() -> registry.machines().stream().anyMatch(m -> m.id().equals(id)), "machine " + id + " joined");
        return agent;
    }

    /** fleetctl with {@code --endpoint} set to this cluster. */
    Cli.Result ctl(String... args) {
        List<String> all = new ArrayList<>();
        all.add("--endpoint=" + endpoint());
        all.addAll(List.of(args));
        return Cli.run(Map.of(), all.toArray(new String[0]));
    }

    /** fleetctl with {@code --endpoint} set to this cluster, on another thread. */
    Cli.Running ctlAsync(String... args) {
        List<String> all = new ArrayList<>();
        all.add("--endpoint=" + endpoint());
        all.addAll(List.of(args));
        return Cli.start(Map.of(), all.toArray(new String[0]));
    }

    /** Writes a unit file into the scratch directory and returns its path. */
    Path unitFile(String name, String text) {
        Path p = cluster.dir().resolve(name);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    Registry registry() {
        return registry;
    }

    static void await(BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(5)).until(condition::getAsBoolean);
    }

    @Override
    public void close() {
        cluster.close();
        registry.close();
    }
}
