package org.fleetj.fleetd.agent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fleetj.fleetd.systemd.SystemdException;
import org.fleetj.fleetd.systemd.SystemdManager;
import org.fleetj.fleetd.systemd.SystemdUnavailableException;
import org.fleetj.fleetd.systemd.SystemdUnitStatus;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the agent's tasks against systemd (unloads, stops, loads, starts, in the reconciler's order), with
 * one daemon-reload per phase instead of one per unit, per-unit backoff for what systemd refuses
 * ({@link UnitRetries}), and the repair of this agent's own unit files when someone deleted or changed them on the
 * machine. Keeps {@code local} (what the agent has put on the machine) true. Confined to the agent's thread.
 */
final class SystemdApplier {
    private static final Logger log = LoggerFactory.getLogger(SystemdApplier.class);

    private final SystemdManager systemd;
    private final Map<String, LocalUnit> local;
    private final UnitFileCache files;
    private final UnitStatePublisher publisher;
    private final UnitRetries retries;
    private final AgentStats stats;

    /** What a pass left to do later: {@code retrySoon} when a reload failed or the bus to systemd was down. */
    record Outcome(boolean retrySoon, boolean unloaded) {
    }

    SystemdApplier(SystemdManager systemd, Map<String, LocalUnit> local, UnitFileCache files, UnitStatePublisher publisher,
                   UnitRetries retries, AgentStats stats) {
        this.systemd = systemd;
        this.local = local;
        this.files = files;
        this.publisher = publisher;
        this.retries = retries;
        this.stats = stats;
    }

    Outcome execute(List<AgentTask> tasks, Map<String, DesiredUnit> desired) {
        if (tasks.isEmpty()) {
            retries.retainOnly(Set.of());
            return new Outcome(false, false);
        }
        Set<String> neverLoaded = neverLoadedBySystemd(tasks);
        boolean reloadNeeded = false;
        boolean reloadFailed = false;
        boolean busDown = false;
        List<String> fresh = new ArrayList<>();
        boolean unloaded = false;
        Set<String> held = new HashSet<>();
        List<AgentTask> starts = new ArrayList<>();
        List<AgentTask> loads = new ArrayList<>();
        long now = System.nanoTime();
        // Phase order from the reconciler: unloads, stops, loads, starts. One daemon-reload serves all
        // file changes of a phase instead of one per unit, and none is needed when every file is new.
        for (AgentTask t : tasks) {
            DesiredUnit d = desired.get(t.unit());
            String hash = d != null ? d.hash() : Optional.ofNullable(local.get(t.unit())).map(LocalUnit::hash).orElse("");
            if (held.contains(t.unit()) || !retries.mayRun(t, hash, now)) {
                held.add(t.unit()); // a unit waiting out a backoff does nothing else this pass either
                continue;
            }
            if (t.kind() == AgentTask.Kind.START) {
                starts.add(t); // the last phase: sent together below, once systemd sees every file written
                continue;
            }
            if (t.kind() == AgentTask.Kind.LOAD) {
                loads.add(t); // the phase before the starts: linked together below
                continue;
            }
            log.info("agent: {}", t);
            Optional<Failure> failure = run(t, switch (t.kind()) {
                case UNLOAD -> () -> unload(t.unit());
                case STOP -> () -> {
                    systemd.stopUnit(t.unit());
                    local.computeIfPresent(t.unit(), (n, l) -> l.withApplied(TargetState.LOADED));
                };
                case LOAD, START -> throw new IllegalStateException("loads and starts are sent together");
            });
            if (failure.isPresent()) {
                busDown |= failed(t, hash, failure.get(), held, now);
                continue;
            }
            retries.succeeded(t);
            if (t.kind() == AgentTask.Kind.UNLOAD) {
                reloadNeeded = true;
                unloaded = true;
            }
        }
        Map<String, Failure> loadFailures = load(loads, desired);
        for (AgentTask t : loads) {
            DesiredUnit d = desired.get(t.unit());
            Failure failure = loadFailures.get(t.unit());
            if (failure != null) {
                busDown |= failed(t, d.hash(), failure, held, now);
                continue;
            }
            retries.succeeded(t);
            if (neverLoaded.contains(t.unit()) && !d.file().hasSection("Install")) fresh.add(t.unit());
            else reloadNeeded = true;
        }
        starts.removeIf(t -> held.contains(t.unit())); // never start a unit whose load failed in this pass
        if (reloadNeeded || !fresh.isEmpty()) reloadFailed |= !makeSystemdSeeFiles(reloadNeeded, fresh);
        busDown |= start(starts, desired, held, now);
        // only units whose failed task is still wanted keep waiting; the others start afresh next time
        retries.retainOnly(held);
        return new Outcome(reloadFailed || busDown, unloaded);
    }

    /**
     * Starts the units in one pipelined batch ({@link SystemdManager#startUnits}): with hundreds scheduled at once,
     * one StartUnit after another waited for a round trip to systemd each. True when the bus to systemd was down.
     */
    private boolean start(List<AgentTask> starts, Map<String, DesiredUnit> desired, Set<String> held, long now) {
        if (starts.isEmpty()) return false;
        List<String> names = new ArrayList<>();
        Map<String, RuntimeException> errors = new java.util.HashMap<>();
        for (AgentTask t : starts) {
            log.info("agent: {}", t);
            DesiredUnit d = desired.get(t.unit());
            if (d != null && org.fleetj.unit.JobOption.isJob(d.file())) {
                // a one-shot job is pinned first: systemd forgets an ended unit at once, and how it ended with it
                try {
                    systemd.keepLastRun(t.unit());
                } catch (RuntimeException e) {
                    errors.put(t.unit(), e); // unpinned, its result could be lost: not started, tried again
                    continue;
                }
            }
            names.add(t.unit());
        }
        errors.putAll(systemd.startUnits(names));
        boolean busDown = false;
        boolean repair = false;
        Set<String> unknownToSystemd = new HashSet<>();
        for (AgentTask t : starts) {
            RuntimeException e = errors.get(t.unit());
            stats.task(t.kind(), e == null);
            if (e != null) {
                DesiredUnit d = desired.get(t.unit());
                String hash = d != null ? d.hash() : Optional.ofNullable(local.get(t.unit())).map(LocalUnit::hash).orElse("");
                Failure failure = failureOf(e);
                busDown |= failed(t, hash, failure, held, now);
                repair |= !failure.busDown(); // "not found": perhaps our file went away
                if (e instanceof SystemdException se && se.dbusErrorName().filter(SystemdManager.NO_SUCH_UNIT::equals).isPresent()) {
                    unknownToSystemd.add(t.unit());
                }
                continue;
            }
            local.computeIfPresent(t.unit(), (n, l) -> l.withApplied(TargetState.LAUNCHED));
            publisher.forgetStaleFailure(t.unit());
            retries.succeeded(t);
        }
        if (repair) repairOwnFiles(unknownToSystemd);
        return busDown;
    }

    /**
     * Records a failed task: a unit's own failure waits out its backoff; a bus that is down is not the unit's fault
     * (the whole pass is tried again soon, without a per-unit backoff). True when the bus was down.
     */
    private boolean failed(AgentTask t, String hash, Failure failure, Set<String> held, long now) {
        held.add(t.unit());
        if (failure.busDown()) {
            log.warn("agent: {} failed: {}", t, failure.reason());
            return true;
        }
        retries.failed(t, hash, failure.reason(), now);
        return false;
    }

    /** {@link #repairOwnFiles(Set)} of the files alone. */
    List<String> repairOwnFiles() {
        return repairOwnFiles(Set.of());
    }

    /**
     * Writes again every unit file of this agent that is missing from its units directory or differs from what the
     * agent wrote (deleted or edited on the machine), links it and reloads systemd, so a later start works without
     * restarting fleetd. A unit in {@code unknownToSystemd} (its start found no such unit) is linked again even when its
     * file is intact: its link is gone (an unload cut short by a restart of fleetd, an operator's {@code systemctl
     * disable}), and without it every later start would fail the same way. Returns the units repaired.
     */
    List<String> repairOwnFiles(Set<String> unknownToSystemd) {
        if (local.isEmpty()) return List.of();
        Map<String, String> onDisk;
        try {
            onDisk = systemd.unitFilesOnDisk();
        } catch (SystemdException e) {
            log.debug("agent: cannot list the units directory to check its files ({})", e.getMessage());
            return List.of();
        }
        List<String> repaired = new ArrayList<>();
        for (LocalUnit l : List.copyOf(local.values())) {
            Optional<UnitFile> f = files.get(l.hash());
            if (f.isEmpty()) continue; // "unreadable" leftovers are replaced when scheduled here
            String text = f.get().serialize();
            String found = onDisk.get(l.name());
            boolean intact = text.equals(found);
            if (intact && !unknownToSystemd.contains(l.name())) continue;
            log.warn("agent: the unit file of {} was {} on this machine; writing it again", l.name(),
                    intact ? "not linked (systemd knows no such unit)" : found == null ? "deleted" : "changed");
            try {
                systemd.writeUnitFile(l.name(), text);
                systemd.linkUnit(l.name());
                if (f.get().hasSection("Install")) systemd.enableUnit(l.name());
                repaired.add(l.name());
            } catch (SystemdException | IllegalArgumentException e) {
                log.warn("agent: could not write the unit file of {} again: {}", l.name(), e.getMessage());
            }
        }
        if (!repaired.isEmpty()) daemonReload();
        return repaired;
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
            // asked without making systemd load them (heldUnitStates): loading a unit whose file is not linked yet
            // made systemd search every unit directory, per unit, and was most of an agent's time with many units
            Map<String, SystemdUnitStatus> held = systemd.heldUnitStates(candidates);
            Set<String> out = new HashSet<>();
            for (String name : candidates) {
                SystemdUnitStatus s = held.get(name);
                if (s == null || s.isNotFound()) out.add(name);
            }
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
                    if ("loaded".equals(s.loadState())) publisher.systemdSays(s);
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
            return false;
        }
    }

    /** Why a task failed, and whether it was because the bus to systemd is down (then nothing is the unit's fault). */
    private record Failure(String reason, boolean busDown) {
    }

    /** Runs one task; why it failed, if it did. */
    private Optional<Failure> run(AgentTask t, Runnable action) {
        try {
            action.run();
            stats.task(t.kind(), true);
            return Optional.empty();
        } catch (SystemdException | IllegalArgumentException e) {
            stats.task(t.kind(), false);
            return Optional.of(failureOf(e));
        }
    }

    /** Stops one launched unit outside a reconcile pass (stop_on_disconnect_after). */
    void stopForDisconnect(LocalUnit l) {
        AgentTask t = new AgentTask(AgentTask.Kind.STOP, l.name(), "registry unreachable past stop_on_disconnect_after");
        log.info("agent: {}", t);
        run(t, () -> {
            systemd.stopUnit(l.name());
            local.put(l.name(), l.withApplied(TargetState.LOADED));
        }).ifPresent(why -> log.warn("agent: {} failed: {}", t, why.reason()));
    }

    /**
     * Loads the units: writes each file, links them all in one pipelined batch ({@link SystemdManager#linkUnits}: one
     * LinkUnitFiles after another waited for a round trip to systemd each, ~40 ms a unit on a busy machine), then
     * enables those with an [Install] section. Each unit keeps its own outcome: why it failed, by unit.
     */
    private Map<String, Failure> load(List<AgentTask> loads, Map<String, DesiredUnit> desired) {
        Map<String, Failure> failures = new java.util.HashMap<>();
        List<String> written = new ArrayList<>();
        for (AgentTask t : loads) {
            log.info("agent: {}", t);
            DesiredUnit d = desired.get(t.unit());
            failure(() -> systemd.writeUnitFile(d.name(), d.file().serialize())).ifPresentOrElse(
                    f -> failures.put(t.unit(), f), () -> written.add(t.unit()));
        }
        systemd.linkUnits(written).forEach((name, e) -> failures.put(name, failureOf(e)));
        for (AgentTask t : loads) {
            if (failures.containsKey(t.unit())) {
                stats.task(t.kind(), false);
                continue;
            }
            DesiredUnit d = desired.get(t.unit());
            Optional<Failure> enable = d.file().hasSection("Install") ? failure(() -> systemd.enableUnit(d.name())) : Optional.empty();
            stats.task(t.kind(), enable.isEmpty());
            if (enable.isPresent()) {
                failures.put(t.unit(), enable.get());
                continue;
            }
            LocalUnit before = local.get(d.name());
            TargetState applied = before != null && before.hash().equals(d.hash()) ? before.applied() : TargetState.LOADED;
            local.put(d.name(), new LocalUnit(d.name(), d.hash(), applied));
        }
        return failures;
    }

    /** Runs one systemd step; why it failed, if it did. */
    private static Optional<Failure> failure(Runnable step) {
        try {
            step.run();
            return Optional.empty();
        } catch (SystemdException | IllegalArgumentException e) {
            return Optional.of(failureOf(e));
        }
    }

    private static Failure failureOf(RuntimeException e) {
        return new Failure(String.valueOf(e.getMessage()), e instanceof SystemdUnavailableException);
    }

    private void unload(String name) {
        systemd.stopUnit(name);
        systemd.disableUnit(name);
        systemd.removeUnitFile(name);
        systemd.resetFailed(name);
        local.remove(name);
        publisher.remove(name);
    }
}
