package org.fleetj.fleetd.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.fleetj.fleetd.agent.AgentReconciler;
import org.fleetj.fleetd.agent.AgentTask;
import org.fleetj.fleetd.agent.DesiredUnit;
import org.fleetj.fleetd.agent.LocalUnit;
import org.fleetj.fleetd.agent.UnitFileCache;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.Subscription;
import org.fleetj.registry.UnitState;
import org.fleetj.scheduler.GlobalPlacement;
import org.fleetj.scheduler.Machine;
import org.fleetj.scheduler.UnitSpec;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine that speaks the registry protocol of a real fleetd agent without a systemd behind it: it
 * joins with its id, IP and metadata under a presence lease, watches only its own schedule (and the
 * global jobs), places global units with {@link GlobalPlacement} as the real agent does, diffs with the
 * real {@link AgentReconciler}, and publishes a {@link UnitState} per unit with {@code applied} = what it
 * did and systemd-like states ({@code loaded/inactive/dead} when loaded, {@code loaded/active/running}
 * when launched, {@code loaded/failed/failed} for a unit told to fail). Unloading removes the state.
 *
 * <p>Cheap on purpose, for tests and for benchmarks with a hundred of them on real etcd: no thread of
 * its own (passes run on a shared scheduler, one at a time per agent, a burst of wake-ups making one
 * pass), and only {@link Registry} calls, so it works over any registry.
 */
public final class SimulatedAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimulatedAgent.class);
    private static final Duration RETRY = Duration.ofMillis(200);

    /** What the simulated systemd reports for one unit. */
    public record SystemdState(String load, String active, String sub) {
        static final SystemdState LOADED = new SystemdState("loaded", "inactive", "dead");
        static final SystemdState RUNNING = new SystemdState("loaded", "active", "running");
        static final SystemdState FAILED = new SystemdState("loaded", "failed", "failed");
    }

    private final Registry registry;
    private final MachineState self;
    private final Duration ttl;
    private final ScheduledExecutorService executor;

    private final Object passLock = new Object();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong passes = new AtomicLong();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final List<Subscription> subscriptions = new ArrayList<>();
    // Guarded by passLock: what "systemd" runs here and what was last published.
    private final Map<String, LocalUnit> local = new TreeMap<>();
    private final Map<String, SystemdState> systemd = new HashMap<>();
    private final Map<String, UnitState> published = new HashMap<>();
    private final UnitFileCache files;
    private volatile MachinePresence presence;
    private volatile boolean frozen;
    private volatile boolean closed;

    /**
     * @param executor shared by any number of agents; runs their passes and retries
     * @param ttl      the presence lease ({@code agent_ttl})
     */
    public SimulatedAgent(Registry registry, MachineState self, Duration ttl, ScheduledExecutorService executor) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.files = new UnitFileCache(registry);
        this.self = Objects.requireNonNull(self, "self");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Joins the cluster, subscribes to this machine's schedule and the global jobs, and runs a first pass. */
    public SimulatedAgent start() {
        presence = registry.join(self, "sim-" + self.shortId(), ttl);
        presence.addListener(new MachinePresence.Listener() {
            @Override
            public void suspended() {
                log.info("sim agent {}: presence suspended", self.shortId());
            }

            @Override
            public void rejoined() {
                synchronized (passLock) {
                    published.clear(); // states under the lost lease are gone: publish them again
                }
                requestPass();
            }
        });
        subscriptions.add(registry.watchSchedule(self.id(), this::requestPass));
        subscriptions.add(registry.watchGlobalJobs(this::requestPass));
        requestPass();
        return this;
    }

    public String id() {
        return self.id();
    }

    public MachineState machine() {
        return self;
    }

    /** Passes run so far (a benchmark's count of wake-ups that did work). */
    public long passes() {
        return passes.get();
    }

    /** What the simulated systemd runs on this machine, by unit name. */
    public Map<String, SystemdState> units() {
        synchronized (passLock) {
            return Map.copyOf(systemd);
        }
    }

    /**
     * Stops acting on instructions (a stuck machine): the schedule is still watched, but nothing is loaded,
     * started, stopped or published until {@link #thaw()}.
     */
    public void freeze() {
        frozen = true;
    }

    /** Resumes after {@link #freeze()} and catches up with everything missed. */
    public void thaw() {
        frozen = false;
        requestPass();
    }

    /** From now on, starting {@code unit} here makes systemd report it failed (the agent did start it). */
    public void failOnStart(String unit) {
        failing.add(unit);
    }

    /** Asks for a pass soon; many requests while one is pending make one pass. */
    public void requestPass() {
        if (closed || !pending.compareAndSet(false, true)) return;
        executor.execute(this::pass);
    }

    private void pass() {
        pending.set(false);
        if (closed || frozen) return;
        synchronized (passLock) {
            try {
                Map<String, DesiredUnit> desired = readDesired();
                for (AgentTask t : AgentReconciler.plan(desired, local)) apply(t, desired.get(t.unit()));
                publishAll();
                passes.incrementAndGet();
            } catch (RegistryException e) {
                log.info("sim agent {}: registry trouble ({}); retrying", self.shortId(), e.getMessage());
                if (!closed) executor.schedule(this::requestPass, RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The units scheduled here (not inactive) plus the global units this machine matches. */
    private Map<String, DesiredUnit> readDesired() {
        Map<String, DesiredUnit> desired = new TreeMap<>();
        List<ScheduledUnit> scheduled = registry.scheduleOf(self.id());
        files.prefetch(scheduled);
        for (ScheduledUnit s : scheduled) {
            if (s.desiredState() == TargetState.INACTIVE) continue;
            Optional<UnitFile> file = files.get(s.unitHash());
            if (file.isEmpty()) {
                log.warn("sim agent {}: {} scheduled with unknown unit file {}; skipped", self.shortId(), s.name(), s.unitHash());
                continue;
            }
            desired.put(s.name(), new DesiredUnit(s.name(), file.get(), s.desiredState(), false));
        }
        List<Job> globals = registry.globalJobs();
        if (!globals.isEmpty()) {
            MachineState me = registry.machines().stream().filter(m -> m.id().equals(self.id())).findFirst().orElse(self);
            for (Job j : globalsForThisMachine(me, globals, desired)) {
                if (desired.containsKey(j.name())) continue;
                desired.put(j.name(), new DesiredUnit(j.name(), j.unit(), j.desiredState(), true));
                files.put(j.unit());
            }
        }
        Set<String> inUse = new HashSet<>();
        desired.values().forEach(d -> inUse.add(d.hash()));
        local.values().forEach(l -> inUse.add(l.hash()));
        files.retainOnly(inUse);
        return desired;
    }

    private static List<Job> globalsForThisMachine(MachineState me, List<Job> globals, Map<String, DesiredUnit> scheduledHere) {
        Map<String, Job> byName = new HashMap<>();
        List<UnitSpec> specs = new ArrayList<>();
        for (Job j : globals) {
            Optional<XFleet> x = requirements(j.name(), j.unit());
            if (x.isEmpty()) continue;
            byName.put(j.name(), j);
            specs.add(UnitSpec.unscheduled(j.name(), x.get(), j.desiredState()));
        }
        List<UnitSpec> here = new ArrayList<>();
        for (DesiredUnit d : scheduledHere.values()) {
            here.add(UnitSpec.scheduled(d.name(), requirements(d.name(), d.file()).orElse(XFleet.NONE), d.state(), me.id()));
        }
        GlobalPlacement.Decision decision = GlobalPlacement.decide(new Machine(me.id(), me.publicIp(), me.metadata()), specs, here);
        List<Job> out = new ArrayList<>();
        for (UnitSpec s : decision.run()) out.add(byName.get(s.name()));
        return out;
    }

    private static Optional<XFleet> requirements(String name, UnitFile file) {
        try {
            return Optional.of(XFleet.from(file, name));
        } catch (UnitParseException e) {
            return Optional.empty();
        }
    }


    /** Does to the simulated systemd what the real agent does to the real one. */
    private void apply(AgentTask task, DesiredUnit desired) {
        String name = task.unit();
        log.debug("sim agent {}: {}", self.shortId(), task);
        switch (task.kind()) {
            case LOAD -> {
                LocalUnit before = local.get(name);
                TargetState applied = before != null && before.hash().equals(desired.hash()) ? before.applied() : TargetState.LOADED;
                local.put(name, new LocalUnit(name, desired.hash(), applied));
                systemd.putIfAbsent(name, SystemdState.LOADED);
            }
            case START -> {
                local.computeIfPresent(name, (n, l) -> l.withApplied(TargetState.LAUNCHED));
                systemd.put(name, failing.contains(name) ? SystemdState.FAILED : SystemdState.RUNNING);
            }
            case STOP -> {
                local.computeIfPresent(name, (n, l) -> l.withApplied(TargetState.LOADED));
                systemd.put(name, SystemdState.LOADED);
            }
            case UNLOAD -> {
                local.remove(name);
                systemd.remove(name);
                published.remove(name);
                registry.removeUnitState(presence, name);
            }
        }
    }

    private void publishAll() {
        for (LocalUnit l : local.values()) {
            SystemdState s = systemd.get(l.name());
            UnitState state = new UnitState(l.name(), self.id(), l.hash(), s.load(), s.active(), s.sub(), l.applied());
            if (state.equals(published.get(l.name()))) continue;
            registry.publishUnitState(presence, state);
            published.put(l.name(), state);
        }
    }

    /** Leaves the cluster: the lease goes, and with it the machine and its unit states. */
    @Override
    public void close() {
        closed = true;
        for (Subscription s : subscriptions) s.close();
        synchronized (passLock) {
            MachinePresence p = presence;
            if (p != null) p.close();
        }
    }
}
