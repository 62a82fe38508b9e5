package org.fleetj.fleetd.api;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.unit.TargetState;

/**
 * A started API server on a unix socket in a scratch directory (plus a TCP listener on a free port),
 * over a registry, with helpers to put machines, schedules and unit states in place.
 */
final class ApiFixture implements AutoCloseable {
    static final String VERSION = "0.1.0-test";

    final ScratchDir dir = new ScratchDir();
    final Registry registry;
    final FleetMetrics metrics = new FleetMetrics();
    final ApiServer server;
    private LeaderLatch latch;

    ApiFixture() throws ApiServerException {
        this(new InMemoryRegistry(), b -> b);
    }

    ApiFixture(UnaryOperator<ApiConfig.Builder> customize) throws ApiServerException {
        this(new InMemoryRegistry(), customize);
    }

    ApiFixture(Registry registry, UnaryOperator<ApiConfig.Builder> customize) throws ApiServerException {
        this.registry = registry;
        ApiConfig config = customize.apply(ApiConfig.builder(VERSION).socketPath(dir.resolve("fleet.sock")).listen("http://127.0.0.1:0")).build();
        server = new ApiServer(registry, config, metrics, SocketActivation.none());
        try {
            server.start();
        } catch (ApiServerException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    RawHttp unix() {
        return RawHttp.unix(server.unixSocket().orElseThrow());
    }

    RawHttp tcp() {
        URI uri = server.tcpEndpoints().get(0);
        return RawHttp.tcp(uri.getHost(), uri.getPort());
    }

    MachinePresence join(String id, String ip, Map<String, String> metadata) {
        return registry.join(new MachineState(id, ip, metadata, VERSION), "host-" + id.substring(0, 4), Duration.ofSeconds(30));
    }

    private Leadership leadership() {
        if (latch == null) {
            latch = registry.leaderLatch("engine-for-tests", Duration.ofSeconds(30));
            latch.start();
        }
        return latch.leadership().orElseThrow();
    }

    /** What the engine would do: put {@code unit} (its current hash) on {@code machine}. */
    void schedule(String unit, String machine, TargetState desired) {
        String hash = registry.job(unit).orElseThrow().unitHash();
        registry.applySchedule(leadership(), List.of(ScheduleChange.assign(unit, machine, hash, desired, "test")));
    }

    /** What an agent would do: report systemd's view of {@code unit} and what it applied. */
    void publish(MachinePresence presence, String unit, TargetState applied, String load, String active, String sub) {
        String hash = registry.job(unit).map(j -> j.unitHash()).orElse("");
        registry.publishUnitState(presence, new UnitState(unit, presence.machineId(), hash, load, active, sub, applied));
    }

    @Override
    public void close() {
        server.close();
        if (latch != null) latch.close();
        registry.close();
        dir.close();
    }
}
