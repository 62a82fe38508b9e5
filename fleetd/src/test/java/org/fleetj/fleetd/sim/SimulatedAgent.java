package org.fleetj.fleetd.sim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.fleetj.fleetd.agent.Agent;
import org.fleetj.fleetd.agent.CountingAgentStats;
import org.fleetj.fleetd.systemd.FakeSystemd;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;

/**
 * A machine of the simulated cluster: the real {@link Agent} (the product's reading of desired state, global
 * units, reconciliation and state publishing) on a {@link FakeSystemd} instead of a machine's systemd. It joins
 * under a presence lease with its id, IP and metadata, as fleetd does before starting its agent. Used by tests and
 * by the scale benchmark, which so measures the product, not a copy of it.
 */
public final class SimulatedAgent implements AutoCloseable {
    /** As fleetd's: a re-read of everything without events, a safety net. */
    private static final Duration SAFETY_INTERVAL = Duration.ofSeconds(30);

    /** What the simulated systemd reports for one unit. */
    public record SystemdState(String load, String active, String sub) {
    }

    private final Registry registry;
    private final MachineState self;
    private final Duration ttl;
    private final FakeSystemd systemd;
    private final CountingAgentStats stats = new CountingAgentStats();
    private volatile MachinePresence presence;
    private volatile Agent agent;

    /** @param ttl the presence lease ({@code agent_ttl}) */
    public SimulatedAgent(Registry registry, MachineState self, Duration ttl) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.self = Objects.requireNonNull(self, "self");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.systemd = new FakeSystemd(self.id());
    }

    /** Joins the cluster and starts the agent (which watches this machine's schedule and the global jobs). */
    public SimulatedAgent start() {
        presence = registry.join(self, "sim-" + self.shortId(), ttl);
        agent = new Agent(registry, systemd, Path.of("/run/fleet/units"), presence, self,
                new Agent.Settings(SAFETY_INTERVAL, Optional.empty()), stats);
        agent.start();
        return this;
    }

    public String id() {
        return self.id();
    }

    public MachineState machine() {
        return self;
    }

    /** The fake systemd under this machine's agent (to inject faults or look closer). */
    public FakeSystemd systemd() {
        return systemd;
    }

    /** Reconcile passes the agent ran so far (a benchmark's count of wake-ups). */
    public long passes() {
        return stats.passes();
    }

    /** Of {@link #passes()}, those that ran no task. */
    public long idlePasses() {
        return stats.idlePasses();
    }

    /** What the simulated systemd runs on this machine, by unit name. */
    public Map<String, SystemdState> units() {
        Map<String, SystemdState> out = new TreeMap<>();
        systemd.units().forEach((n, s) -> out.put(n, new SystemdState(s.load(), s.active(), s.sub())));
        return Map.copyOf(out);
    }

    /**
     * Stops acting on instructions (a stuck machine): systemd stops answering, so the agent's next pass with
     * something to do waits, and nothing is loaded, started, stopped or published until {@link #thaw()}.
     */
    public void freeze() {
        systemd.freeze();
    }

    /** Resumes after {@link #freeze()} and catches up with everything missed. */
    public void thaw() {
        systemd.thaw();
        requestPass();
    }

    /** From now on, starting {@code unit} here makes systemd report it failed (the agent did start it). */
    public void failOnStart(String unit) {
        systemd.failOnStart(unit);
    }

    /** Asks for a pass soon; many requests while one is pending make one pass. */
    public void requestPass() {
        Agent a = agent;
        if (a != null) a.requestReconcile();
    }

    /** Leaves the cluster: the lease goes, and with it the machine and its unit states. */
    @Override
    public void close() {
        systemd.thaw(); // a stuck agent must be able to finish
        Agent a = agent;
        if (a != null) a.close();
        MachinePresence p = presence;
        if (p != null) p.close();
        systemd.close();
    }
}
