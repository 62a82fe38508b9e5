package org.fleetj.fleetd.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fleetj.fleetd.systemd.SystemdException;
import org.fleetj.fleetd.systemd.SystemdManager;
import org.fleetj.fleetd.systemd.SystemdUnitStatus;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this machine's systemd run what the registry says it should: the units the engine scheduled
 * here plus the global units that match, and publishes each unit's real state.
 *
 * <p>Availability first: the agent changes systemd only after a successful read of the registry told it
 * to. When the registry cannot be reached it keeps every unit as it is and retries with backoff (unless
 * the operator chose {@code stop_on_disconnect_after}, fleet's old behaviour). Restarting fleetd
 * restarts nothing: the agent recovers what it runs from its units directory and systemd.
 *
 * <p>All state is confined to one thread ("agent"); registry watches, systemd signals and timers only
 * post work to it.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration DEBOUNCE = Duration.ofMillis(5);
    private static final Duration RETRY_MIN = Duration.ofMillis(250);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);

    /**
     * @param safetyInterval         how often to re-read everything even without events (a safety net)
     * @param stopOnDisconnectAfter  stop every unit when the registry was unreachable this long (fleet's
     *                               behaviour); empty (the default) means never
     */
    public record Settings(Duration safetyInterval, Optional<Duration> stopOnDisconnectAfter) {
    }

    private final Registry registry;
    private final SystemdManager systemd;
    private final Path unitsDirectory;
    private final MachinePresence presence;
    private final MachineState self;
    private final Settings settings;
    private final AgentStats stats;
    private final ScheduledExecutorService loop;

    private final Map<String, LocalUnit> local = new TreeMap<>();
    private final Map<String, SystemdUnitStatus> statuses = new HashMap<>();
    private final Map<String, UnitState> published = new HashMap<>();
    private final UnitFileCache files;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private Duration retryDelay = RETRY_MIN;
    private ScheduledFuture<?> retry;
    private long disconnectedSinceNanos = -1;
    private boolean stoppedForDisconnect;
    private volatile boolean closed;

    public Agent(Registry registry, SystemdManager systemd, Path unitsDirectory, MachinePresence presence,
                 MachineState self, Settings settings, AgentStats stats) {
        this.registry = registry;
        this.files = new UnitFileCache(registry);
        this.systemd = systemd;
        this.unitsDirectory = unitsDirectory;
        this.presence = presence;
        this.self = self;
        this.settings = settings;
        this.stats = stats;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent");
            t.setDaemon(true);
            return t;
        });
    }

    /** Recovers local state, subscribes to systemd and the registry, and reconciles once. */
    public void start() {
        runOnLoop(() -> {
            recoverLocalUnits();
            subscriptions.add(systemd.subscribe(s -> loop.execute(() -> onStatus(s))));
            systemd.watch(local.keySet());
            subscriptions.add(registry.watchSchedule(self.id(), this::requestReconcile));
            subscriptions.add(registry.watchGlobalJobs(this::requestReconcile));
            presence.addListener(new MachinePresence.Listener() {
                @Override
                public void suspended() {
                    onLoop(() -> onRegistryTrouble("presence lease could not be renewed"));
                }

                @Override
                public void rejoined() {
                    onLoop(() -> {
                        log.info("agent: back in the registry; publishing the state of {} units again", local.size());
                        published.clear();
                        reconcile();
                    });
                }
            });
            long ms = settings.safetyInterval().toMillis();
            loop.scheduleWithFixedDelay(this::safetyPass, ms, ms, TimeUnit.MILLISECONDS);
            reconcile();
        });
    }

    /** Runs {@code r} on the agent's thread, unless the agent is closed (a listener may outlive it). */
    private void onLoop(Runnable r) {
        if (closed) return;
        try {
            loop.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: nothing left to do
        }
    }

    /** Asks for a reconcile pass soon; a burst of requests makes one pass. */
    public void requestReconcile() {
        if (closed || !pending.compareAndSet(false, true)) return;
        try {
            loop.schedule(() -> {
                pending.set(false);
                reconcile();
            }, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // a watch fired while the agent was closing: nothing left to do
        }
    }

    /** The units this agent has put on its machine (a copy, for the API's state dump and tests). */
    public Map<String, LocalUnit> localUnits() {
        return callOnLoop(() -> Map.copyOf(local));
    }

    // ---- reconciliation ------------------------------------------------------------------

    private void reconcile() {
        if (closed) return;
        long started = System.nanoTime();
        Map<String, DesiredUnit> desired;
        try {
            desired = readDesired();
        } catch (RegistryException e) {
            onRegistryTrouble(e.getMessage());
            return;
        }
        onRegistryHealthy();
        execute(AgentReconciler.plan(desired, local), desired);
        systemd.watch(local.keySet());
        publishAll();
        stats.reconciled(System.nanoTime() - started);
    }

    private Map<String, DesiredUnit> readDesired() {
        Map<String, DesiredUnit> desired = new TreeMap<>();
        List<ScheduledUnit> scheduled = registry.scheduleOf(self.id());
        files.prefetch(scheduled);
        for (ScheduledUnit s : scheduled) {
            if (s.desiredState() == TargetState.INACTIVE) continue;
            Optional<UnitFile> file = files.get(s.unitHash());
            if (file.isEmpty()) {
                log.warn("agent: {} is scheduled here but its unit file {} is missing from the registry; leaving it as it is",
                        s.name(), s.unitHash());
                LocalUnit l = local.get(s.name());
                if (l != null) {
                    // Keep what runs: an unreadable instruction is not an instruction to stop.
                    Optional<UnitFile> current = files.get(l.hash());
                    current.ifPresent(f -> desired.put(s.name(), new DesiredUnit(s.name(), f, l.applied() == TargetState.LAUNCHED ? TargetState.LAUNCHED : TargetState.LOADED, false)));
                }
                continue;
            }
            desired.put(s.name(), new DesiredUnit(s.name(), file.get(), s.desiredState(), false));
        }
        List<Job> globals = registry.globalJobs();
        if (!globals.isEmpty()) {
            MachineState me = registry.machines().stream().filter(m -> m.id().equals(self.id())).findFirst().orElse(self);
            for (Job j : GlobalUnitSelector.select(me, globals, List.copyOf(desired.values()))) {
                if (!desired.containsKey(j.name())) {
                    desired.put(j.name(), new DesiredUnit(j.name(), j.unit(), j.desiredState(), true));
                    files.put(j.unit());
                }
            }
        }
        files.retainOnly(hashesInUse(desired));
        return desired;
    }

    private Set<String> hashesInUse(Map<String, DesiredUnit> desired) {
        Set<String> in = new java.util.HashSet<>();
        desired.values().forEach(d -> in.add(d.hash()));
        local.values().forEach(l -> in.add(l.hash()));
        return in;
    }


    private void execute(List<AgentTask> tasks, Map<String, DesiredUnit> desired) {
        if (tasks.isEmpty()) return;
        Set<String> neverLoaded = neverLoadedBySystemd(tasks);
        boolean reloadNeeded = false;
        List<String> fresh = new ArrayList<>();
        boolean unloaded = false;
        // Phase order from the reconciler: unloads, stops, loads, starts. One daemon-reload serves all
        // file changes of a phase instead of one per unit, and none is needed when every file is new.
        for (AgentTask t : tasks) {
            if (t.kind() == AgentTask.Kind.START && (reloadNeeded || !fresh.isEmpty())) {
                reloadNeeded = !makeSystemdSeeFiles(reloadNeeded, fresh);
                fresh.clear();
            }
            log.info("agent: {}", t);
            DesiredUnit d = desired.get(t.unit());
            boolean ok = switch (t.kind()) {
                case UNLOAD -> run(t, () -> unload(t.unit()));
                case STOP -> run(t, () -> {
                    systemd.stopUnit(t.unit());
                    local.computeIfPresent(t.unit(), (n, l) -> l.withApplied(TargetState.LOADED));
                });
                case LOAD -> run(t, () -> load(d));
                case START -> run(t, () -> {
                    systemd.startUnit(t.unit());
                    local.computeIfPresent(t.unit(), (n, l) -> l.withApplied(TargetState.LAUNCHED));
                    forgetStaleFailure(t.unit());
                });
            };
            if (ok && t.kind() == AgentTask.Kind.LOAD) {
                if (neverLoaded.contains(t.unit()) && !d.file().hasSection("Install")) fresh.add(t.unit());
                else reloadNeeded = true;
            }
            if (ok && t.kind() == AgentTask.Kind.UNLOAD) {
                reloadNeeded = true;
                unloaded = true;
            }
            if (!ok) scheduleRetry();
        }
        if (reloadNeeded || !fresh.isEmpty()) makeSystemdSeeFiles(reloadNeeded, fresh);
        if (unloaded) published.keySet().retainAll(local.keySet());
    }

    /**
     * The units about to be loaded that systemd has no definition of in memory (it reports them not-found):
     * for those, systemd reads the new file when the unit is next referenced (systemd ≥ 247 retries a not-found
     * unit when a unit directory changed), so no daemon-reload (~80-150 ms, and every unit of the machine
     * re-read) is needed. A unit this agent had before, or one systemd knows, gets the reload.
     */
    private Set<String> neverLoadedBySystemd(List<AgentTask> tasks) {
        List<String> candidates = new ArrayList<>();
        for (AgentTask t : tasks) {
            if (t.kind() == AgentTask.Kind.LOAD && !local.containsKey(t.unit())) candidates.add(t.unit());
        }
        if (candidates.isEmpty()) return Set.of();
        try {
            Set<String> out = new java.util.HashSet<>();
            systemd.unitStates(candidates).forEach((name, s) -> {
                if (s.isNotFound()) out.add(name);
            });
            return out;
        } catch (SystemdException e) {
            log.debug("agent: cannot ask systemd which units it knows ({}); reloading after loading them", e.getMessage());
            return Set.of();
        }
    }

    /**
     * Makes systemd see the unit files just written: a daemon-reload when a file changed under a unit it may
     * have loaded, else a check that each new unit now loads from its file (reloading after all if one does not).
     * False when a needed reload failed.
     */
    private boolean makeSystemdSeeFiles(boolean reloadNeeded, List<String> fresh) {
        if (!reloadNeeded && !fresh.isEmpty()) {
            try {
                Map<String, SystemdUnitStatus> now = systemd.unitStates(fresh);
                List<String> unseen = new ArrayList<>();
                now.forEach((name, s) -> {
                    if ("loaded".equals(s.loadState())) statuses.put(name, s);
                    else unseen.add(name);
                });
                if (unseen.isEmpty()) return true;
                log.info("agent: systemd does not see the new unit file(s) of {} yet; reloading", unseen);
            } catch (SystemdException e) {
                log.debug("agent: cannot read the state of {} ({}); reloading", fresh, e.getMessage());
            }
        }
        return daemonReload();
    }

    private boolean daemonReload() {
        try {
            systemd.reload();
            return true;
        } catch (SystemdException e) {
            log.warn("agent: daemon-reload after unit file changes failed: {}", e.getMessage());
            scheduleRetry();
            return false;
        }
    }

    private boolean run(AgentTask t, Runnable action) {
        try {
            action.run();
            stats.task(t.kind(), true);
            return true;
        } catch (SystemdException | IllegalArgumentException e) {
            log.warn("agent: {} failed: {}", t, e.getMessage());
            stats.task(t.kind(), false);
            return false;
        }
    }

    /**
     * A unit started again after it failed (the engine's failure policy restarts it in place) is still "failed"
     * in our last status until systemd reports the new run; publishing that next to applied=launched would look
     * like a new failure. Its state is published again on systemd's next report (or the safety pass).
     */
    private void forgetStaleFailure(String name) {
        SystemdUnitStatus s = statuses.get(name);
        if (s != null && "failed".equals(s.activeState())) statuses.remove(name);
    }

    private void load(DesiredUnit d) {
        systemd.writeUnitFile(d.name(), d.file().serialize());
        systemd.linkUnit(d.name());
        if (d.file().hasSection("Install")) systemd.enableUnit(d.name());
        LocalUnit before = local.get(d.name());
        TargetState applied = before != null && before.hash().equals(d.hash()) ? before.applied() : TargetState.LOADED;
        local.put(d.name(), new LocalUnit(d.name(), d.hash(), applied));
    }

    private void unload(String name) {
        systemd.stopUnit(name);
        systemd.disableUnit(name);
        systemd.removeUnitFile(name);
        systemd.resetFailed(name);
        local.remove(name);
        statuses.remove(name);
        try {
            registry.removeUnitState(presence, name);
        } catch (RegistryException e) {
            // Harmless: the state dies with our lease, and the engine ignores states off the target.
            log.debug("agent: could not remove state of {}: {}", name, e.getMessage());
        }
    }

    // ---- recovery after a restart --------------------------------------------------------

    /** Rebuilds what this agent runs from its units directory and systemd, without touching any unit. */
    private void recoverLocalUnits() {
        Map<String, String> onDisk;
        try {
            onDisk = systemd.unitFilesOnDisk();
        } catch (SystemdException e) {
            log.warn("agent: cannot list {} ({}); units left by a previous run are recovered when scheduled here", unitsDirectory, e.getMessage());
            return;
        }
        onDisk.forEach((name, text) -> {
            try {
                if (text == null) throw new UnitParseException("the file cannot be read as UTF-8 text");
                UnitFile f = UnitFile.parse(text);
                files.put(f);
                local.put(name, new LocalUnit(name, f.hash().hex(), TargetState.LOADED));
            } catch (UnitParseException e) {
                log.warn("agent: cannot read {} left by a previous run in {} ({}); it will be replaced if scheduled here",
                        name, unitsDirectory, e.getMessage());
                local.put(name, new LocalUnit(name, "unreadable", TargetState.LOADED));
            }
        });
        if (local.isEmpty()) return;
        try {
            for (SystemdUnitStatus s : systemd.unitStates(local.keySet()).values()) {
                statuses.put(s.name(), s);
                if (isRunning(s)) local.computeIfPresent(s.name(), (n, l) -> l.withApplied(TargetState.LAUNCHED));
            }
        } catch (SystemdException e) {
            log.warn("agent: cannot read unit states from systemd: {}", e.getMessage());
        }
        log.info("agent: recovered {} units from {} ({} running); none restarted", local.size(), unitsDirectory,
                local.values().stream().filter(l -> l.applied() == TargetState.LAUNCHED).count());
    }

    private static boolean isRunning(SystemdUnitStatus s) {
        return switch (s.activeState()) {
            case "active", "activating", "reloading", "refreshing" -> true;
            default -> false;
        };
    }

    // ---- state publishing -----------------------------------------------------------------

    private void onStatus(SystemdUnitStatus s) {
        if (closed || !local.containsKey(s.name())) return;
        statuses.put(s.name(), s);
        publish(s.name());
    }

    private void publishAll() {
        for (String name : local.keySet()) publish(name);
    }

    private void publish(String name) {
        LocalUnit l = local.get(name);
        SystemdUnitStatus s = statuses.get(name);
        if (l == null || s == null) return;
        UnitState state = new UnitState(name, self.id(), l.hash(), s.loadState(), s.activeState(), s.subState(), l.applied());
        if (state.equals(published.get(name))) return;
        try {
            registry.publishUnitState(presence, state);
            published.put(name, state);
            stats.statePublished();
        } catch (RegistryException e) {
            log.debug("agent: could not publish state of {} (will retry): {}", name, e.getMessage());
            scheduleRetry();
        }
    }

    private void safetyPass() {
        if (closed) return;
        try {
            if (!local.isEmpty()) {
                for (SystemdUnitStatus s : systemd.unitStates(local.keySet()).values()) statuses.put(s.name(), s);
            }
        } catch (SystemdException e) {
            log.warn("agent: cannot read unit states from systemd: {}", e.getMessage());
        }
        reconcile();
    }

    // ---- registry trouble -------------------------------------------------------------------

    private void onRegistryTrouble(String why) {
        long now = System.nanoTime();
        if (disconnectedSinceNanos < 0) {
            disconnectedSinceNanos = now;
            log.warn("agent: registry unreachable ({}); keeping all {} units as they are and retrying", why, local.size());
        }
        Optional<Duration> limit = settings.stopOnDisconnectAfter();
        if (limit.isPresent() && !stoppedForDisconnect && now - disconnectedSinceNanos >= limit.get().toNanos()) {
            stoppedForDisconnect = true;
            log.warn("agent: registry unreachable for longer than stop_on_disconnect_after ({} ms): stopping every unit as configured",
                    limit.get().toMillis());
            for (LocalUnit l : List.copyOf(local.values())) {
                if (l.applied() == TargetState.LAUNCHED) {
                    run(new AgentTask(AgentTask.Kind.STOP, l.name(), "registry unreachable past stop_on_disconnect_after"), () -> {
                        systemd.stopUnit(l.name());
                        local.put(l.name(), l.withApplied(TargetState.LOADED));
                    });
                }
            }
        }
        scheduleRetry();
    }

    private void onRegistryHealthy() {
        if (disconnectedSinceNanos >= 0) {
            log.info("agent: registry reachable again after {} ms; reconciling", (System.nanoTime() - disconnectedSinceNanos) / 1_000_000);
            disconnectedSinceNanos = -1;
            stoppedForDisconnect = false;
        }
        retryDelay = RETRY_MIN;
    }

    private void scheduleRetry() {
        if (closed || (retry != null && !retry.isDone())) return;
        long ms = retryDelay.toMillis();
        retryDelay = retryDelay.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retryDelay.multipliedBy(2);
        // the task forgets itself first: a retry that fails again must be able to schedule the next one
        retry = loop.schedule(() -> {
            retry = null;
            reconcile();
        }, ms, TimeUnit.MILLISECONDS);
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    private void runOnLoop(Runnable r) {
        callOnLoop(() -> {
            r.run();
            return null;
        });
    }

    private <T> T callOnLoop(java.util.concurrent.Callable<T> c) {
        try {
            return loop.submit(c).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("agent loop did not answer in 60 s", e);
        }
    }

    /** Stops watching and publishing. Units keep running: stopping fleetd never stops units. */
    @Override
    public void close() {
        closed = true;
        loop.execute(() -> {
            for (AutoCloseable s : subscriptions) {
                try {
                    s.close();
                } catch (Exception e) {
                    log.debug("agent: closing subscription", e);
                }
            }
        });
        loop.shutdown();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownNow();
    }
}
