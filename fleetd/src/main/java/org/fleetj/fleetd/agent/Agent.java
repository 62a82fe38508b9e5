package org.fleetj.fleetd.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fleetj.fleetd.systemd.SystemdException;
import org.fleetj.fleetd.systemd.SystemdManager;
import org.fleetj.fleetd.systemd.SystemdUnitStatus;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.support.Backoff;
import org.fleetj.unit.TargetState;
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
 * post work to it. This class holds the lifecycle, the pass and the registry-trouble policy; the pass's parts
 * each have their own class: {@link DesiredStateReader} (what must run here), {@link AgentReconciler} (the diff),
 * {@link SystemdApplier} (doing it, with per-unit backoff and repair of the agent's own files),
 * {@link UnitStatePublisher} (states to the registry), {@link LocalUnitRecovery} (after a fleetd restart),
 * {@link JobRuns} (one-shot jobs: their results, and never a second run).
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration DEBOUNCE = Duration.ofMillis(5);
    private static final Duration RETRY_FIRST = Duration.ofMillis(250);
    private static final Duration RETRY_CAP = Duration.ofSeconds(5);
    /** The ceiling of the first wait before a unit systemd refused is tried again (it doubles each time; {@link UnitRetries}). */
    public static final Duration UNIT_RETRY_FIRST = UnitRetries.MIN;

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
    private final Settings settings;
    private final AgentStats stats;
    private final ScheduledExecutorService loop;

    private final Map<String, LocalUnit> local = new TreeMap<>();
    private final UnitFileCache files;
    private final DesiredStateReader desiredState;
    private final UnitStatePublisher publisher;
    private final UnitRetries retries;
    private final SystemdApplier applier;
    private final JobRuns jobRuns;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicBoolean publishPending = new AtomicBoolean();
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private final Backoff retryBackoff = new Backoff(RETRY_FIRST, RETRY_CAP);
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> unitRetry;
    private long disconnectedSinceNanos = -1;
    private boolean stoppedForDisconnect;
    private volatile boolean closed;

    public Agent(Registry registry, SystemdManager systemd, Path unitsDirectory, MachinePresence presence,
                 MachineState self, Settings settings, AgentStats stats) {
        this(registry, systemd, unitsDirectory, presence, self, settings, stats, new UnitRetries());
    }

    /** With the per-unit retries given (tests give them a random source without jitter). */
    Agent(Registry registry, SystemdManager systemd, Path unitsDirectory, MachinePresence presence,
          MachineState self, Settings settings, AgentStats stats, UnitRetries retries) {
        this.registry = registry;
        this.retries = retries;
        this.files = new UnitFileCache(registry);
        this.systemd = systemd;
        this.unitsDirectory = unitsDirectory;
        this.presence = presence;
        this.settings = settings;
        this.stats = stats;
        this.desiredState = new DesiredStateReader(registry, self, files);
        this.publisher = new UnitStatePublisher(registry, presence, self, stats);
        this.applier = new SystemdApplier(systemd, local, files, publisher, retries, stats);
        this.jobRuns = new JobRuns(registry, systemd, files, self.id());
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent");
            t.setDaemon(true);
            return t;
        });
    }

    /** Recovers local state, subscribes to systemd and the registry, and reconciles once. */
    public void start() {
        runOnLoop(() -> {
            local.putAll(LocalUnitRecovery.recover(systemd, unitsDirectory, files, publisher));
            subscriptions.add(systemd.subscribe(s -> onLoop(() -> onStatus(s))));
            systemd.watch(local.keySet());
            subscriptions.add(registry.watchSchedule(presence.machineId(), this::scheduleChanged));
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
                        publisher.republishAll();
                        desiredState.globalsChanged(); // this machine was announced again: read everything
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

    /**
     * Asks for a pass soon that reads everything again: the global jobs and this machine's own record too, not only
     * its schedule (for the global jobs' watch, and for callers outside the agent, such as a reload that announced new
     * metadata for this machine). A burst of requests makes one pass.
     */
    public void requestReconcile() {
        desiredState.globalsChanged();
        debounced(pending, this::reconcile);
    }

    /** This machine's schedule changed: a pass soon, which reads the schedule (and nothing else it has not been told changed). */
    private void scheduleChanged() {
        debounced(pending, this::reconcile);
    }

    /** Runs {@code work} on the loop after {@link #DEBOUNCE}, once for a burst of requests (those while {@code flag} is set). */
    private void debounced(AtomicBoolean flag, Runnable work) {
        if (closed || !flag.compareAndSet(false, true)) return;
        try {
            loop.schedule(() -> {
                flag.set(false);
                work.run();
            }, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // a watch or a signal fired while the agent was closing: nothing left to do
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
            desired = desiredState.read(local);
        } catch (RegistryException e) {
            onRegistryTrouble(e.getMessage());
            return;
        }
        onRegistryHealthy();
        JobRuns.Filtered plan = jobRuns.holdBackFinished(AgentReconciler.plan(desired, local), desired, local);
        SystemdApplier.Outcome outcome = applier.execute(plan.tasks(), desired);
        JobRuns.markLaunched(plan.finished(), local);
        if (outcome.retrySoon() || plan.retrySoon() || !jobRuns.recordEnded(local)) scheduleRetry();
        systemd.watch(local.keySet());
        // soon rather than now: systemd's reports of what this pass started arrive within milliseconds, and one
        // write then carries them with the pass's own changes instead of a second write right after this one
        requestPublish();
        scheduleUnitRetry();
        stats.reconciled(System.nanoTime() - started);
    }

    /** A pass when the earliest unit waiting out its backoff may be tried again. */
    private void scheduleUnitRetry() {
        Optional<Long> next = retries.nextAttemptNanos();
        if (closed || next.isEmpty()) return;
        long delayNanos = Math.max(0, next.get() - System.nanoTime());
        if (unitRetry != null && !unitRetry.isDone() && unitRetry.getDelay(TimeUnit.NANOSECONDS) <= delayNanos) return;
        if (unitRetry != null) unitRetry.cancel(false);
        unitRetry = loop.schedule(() -> {
            unitRetry = null;
            reconcile();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    // ---- state publishing -----------------------------------------------------------------

    private void onStatus(SystemdUnitStatus s) {
        if (closed || !local.containsKey(s.name())) return;
        publisher.systemdSays(s);
        if (s.isNotFound()) {
            // systemd lost the unit (its file deleted, then a daemon-reload): write it again
            applier.repairOwnFiles();
        }
        requestPublish();
        if (jobRuns.awaitsResult(local.get(s.name())) && !jobRuns.recordEnded(local)) scheduleRetry();
    }

    /**
     * Publishes the changed states soon: systemd reports hundreds of units within milliseconds when many start, and
     * one registry write per report kept the agent's thread from its next pass for seconds.
     */
    private void requestPublish() {
        debounced(publishPending, this::publishAll);
    }

    private void publishAll() {
        if (closed) return;
        if (!publisher.publishAll(local.values())) scheduleRetry();
    }

    private void safetyPass() {
        if (closed) return;
        desiredState.globalsChanged(); // the safety net re-reads everything, whatever the watches said
        applier.repairOwnFiles();
        try {
            if (!local.isEmpty()) {
                for (SystemdUnitStatus s : systemd.unitStates(local.keySet()).values()) publisher.systemdSays(s);
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
                if (l.applied() == TargetState.LAUNCHED) applier.stopForDisconnect(l);
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
        retryBackoff.reset();
    }

    private void scheduleRetry() {
        if (closed || (retry != null && !retry.isDone())) return;
        long ms = retryBackoff.next().toMillis();
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
    public synchronized void close() {
        if (closed) return;
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
