package org.fleetj.fleetd.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.fleetd.systemd.SystemdException;
import org.fleetj.fleetd.systemd.SystemdManager;
import org.fleetj.fleetd.systemd.UnitRun;
import org.fleetj.registry.JobResult;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.unit.JobOption;
import org.fleetj.unit.TargetState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-shot jobs on this machine ({@code [X-Fleet] Job=true}, beyond fleet): notices that a job the agent launched has
 * ended and records how in the registry ({@link JobResult}), and keeps a job that already ran from being started
 * again, whatever happened meanwhile (fleetd restarted, the machine came back, the engine placed it here again).
 * Confined to the agent's thread.
 */
final class JobRuns {
    private static final Logger log = LoggerFactory.getLogger(JobRuns.class);

    private final Registry registry;
    private final SystemdManager systemd;
    private final UnitFileCache files;
    private final String machineId;
    /** Jobs whose result for their current file is recorded, name to hash: nothing more to do for them. */
    private final Map<String, String> recorded = new HashMap<>();

    /** The agent's tasks without the starts of jobs that already ran; {@code finished} are those jobs. */
    record Filtered(List<AgentTask> tasks, List<String> finished, boolean retrySoon) {
    }

    JobRuns(Registry registry, SystemdManager systemd, UnitFileCache files, String machineId) {
        this.registry = registry;
        this.systemd = systemd;
        this.files = files;
        this.machineId = machineId;
    }

    /**
     * Holds back the start of every job that already ran its current file: its result is in the registry, or
     * systemd says it ran here and ended (fleetd restarted before it could record it; recorded now). A job whose
     * result cannot be read is not started this pass either (nothing is started without knowing).
     */
    Filtered holdBackFinished(List<AgentTask> tasks, Map<String, DesiredUnit> desired, Map<String, LocalUnit> local) {
        List<AgentTask> kept = new ArrayList<>(tasks.size());
        List<String> finished = new ArrayList<>();
        boolean retry = false;
        for (AgentTask t : tasks) {
            DesiredUnit d = desired.get(t.unit());
            if (t.kind() != AgentTask.Kind.START || d == null || !JobOption.isJob(d.file())) {
                kept.add(t);
                continue;
            }
            try {
                Optional<JobResult> result = registry.jobResult(d.name()).filter(r -> r.unitHash().equals(d.hash()));
                if (result.isEmpty() && ranHere(d, local)) result = record(d.name(), d.hash());
                if (result.isPresent()) {
                    log.info("agent: not starting job {}: it already ran, {}", d.name(), result.get().describe());
                    recorded.put(d.name(), d.hash());
                    finished.add(d.name());
                } else {
                    kept.add(t);
                }
            } catch (RegistryException e) {
                log.warn("agent: not starting job {} yet: cannot read whether it already ran ({}); trying again", d.name(), e.getMessage());
                retry = true;
            }
        }
        return new Filtered(kept, finished, retry);
    }

    /**
     * Records the result of every launched job here whose run ended and is not recorded yet.
     *
     * @return false when the registry could not be written (try again soon)
     */
    boolean recordEnded(Map<String, LocalUnit> local) {
        recorded.entrySet().removeIf(e -> {
            LocalUnit l = local.get(e.getKey());
            return l == null || !l.hash().equals(e.getValue());
        });
        boolean ok = true;
        for (LocalUnit l : local.values()) {
            if (l.applied() != TargetState.LAUNCHED || l.hash().equals(recorded.get(l.name())) || !isJob(l)) continue;
            try {
                record(l.name(), l.hash()).ifPresent(r -> recorded.put(l.name(), l.hash()));
            } catch (RegistryException e) {
                log.warn("agent: cannot record how job {} ended ({}); trying again", l.name(), e.getMessage());
                ok = false;
            }
        }
        return ok;
    }

    /** Whether {@code name} is a launched job here whose result is still to be recorded (worth a look on a status change). */
    boolean awaitsResult(LocalUnit l) {
        return l != null && l.applied() == TargetState.LAUNCHED && !l.hash().equals(recorded.get(l.name())) && isJob(l);
    }

    private boolean ranHere(DesiredUnit d, Map<String, LocalUnit> local) {
        LocalUnit l = local.get(d.name());
        return l != null && l.hash().equals(d.hash()) && lastRun(d.name()).map(UnitRun::isOver).orElse(false);
    }

    /** The run's result, written to the registry, when systemd says the job ran and ended; empty otherwise. */
    private Optional<JobResult> record(String name, String hash) {
        Optional<UnitRun> run = lastRun(name).filter(UnitRun::isOver);
        if (run.isEmpty()) return Optional.empty();
        UnitRun r = run.get();
        JobResult result = new JobResult(name, hash, machineId, r.succeeded(), r.exitStatus(), r.exitCode(), r.result(),
                r.startedAt().orElseThrow(), r.endedAt().orElseThrow());
        if (registry.putJobResult(result)) {
            log.info("agent: job {} ended: {}", name, result.describe());
        } else {
            log.info("agent: job {} ended ({}), but it was destroyed meanwhile; nothing recorded", name, result.describe());
        }
        return Optional.of(result);
    }

    private Optional<UnitRun> lastRun(String name) {
        try {
            return Optional.of(systemd.lastRun(name));
        } catch (SystemdException e) {
            log.debug("agent: cannot read the last run of {} from systemd: {}", name, e.getMessage());
            return Optional.empty();
        }
    }

    /** From the cache only: this runs for every launched unit on every pass and must cost no registry request. */
    private boolean isJob(LocalUnit l) {
        return files.cached(l.hash()).map(JobOption::isJob).orElse(false);
    }

    /** For the agent: the jobs held back ran already, so their applied state is "launched" (what was asked is done). */
    static void markLaunched(List<String> finished, Map<String, LocalUnit> local) {
        for (String name : finished) local.computeIfPresent(name, (n, l) -> l.withApplied(TargetState.LAUNCHED));
    }
}
