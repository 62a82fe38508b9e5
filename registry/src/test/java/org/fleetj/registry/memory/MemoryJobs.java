package org.fleetj.registry.memory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.fleetj.registry.Job;
import org.fleetj.registry.NoSuchUnitException;
import org.fleetj.registry.UnitExistsException;
import org.fleetj.registry.support.GlobalUnits;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * Units and jobs in an {@link InMemoryRegistry}: unit bodies by hash ({@code unit/<sha1>}), the users' jobs
 * ({@code job/<name>}) and the index of global jobs ({@code global/<name>}), which changes with its job as in the
 * etcd registry's transactions. A job's target machine is read off the schedule.
 */
final class MemoryJobs {
    private record JobEntry(String hash, TargetState desired, boolean global) {
    }

    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemorySchedule schedule;

    // guarded by store
    private final Map<String, UnitFile> units = new HashMap<>();
    private final TreeMap<String, JobEntry> jobs = new TreeMap<>();
    /** Beyond fleet: how one-shot jobs ended ({@code job-result/<name>}), removed with their job. */
    private final TreeMap<String, org.fleetj.registry.JobResult> jobResults = new TreeMap<>();

    MemoryJobs(MemoryStore store, MemoryWatches watches, MemorySchedule schedule) {
        this.store = store;
        this.watches = watches;
        this.schedule = schedule;
    }

    Optional<UnitFile> unitFile(String hash) {
        return store.op("get", () -> Optional.ofNullable(units.get(hash)));
    }

    Map<String, UnitFile> unitFiles(Collection<String> hashes) {
        return store.op("range", () -> {
            Map<String, UnitFile> out = new HashMap<>();
            for (String h : hashes) {
                UnitFile u = units.get(h);
                if (u != null) out.put(h, u);
            }
            return out;
        });
    }

    void createJob(String name, UnitFile unit, TargetState desired) {
        NameRules.unitName(name);
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(desired, "desired");
        store.op("txn", () -> {
            if (jobs.containsKey(name)) {
                throw new UnitExistsException("unit " + name + " already exists");
            }
            putJobLocked(name, unit, desired, false);
            return null;
        });
    }

    void replaceJob(String name, UnitFile unit, TargetState desired) {
        NameRules.unitName(name);
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(desired, "desired");
        store.op("txn", () -> {
            JobEntry old = jobs.get(name);
            if (old == null) {
                throw new NoSuchUnitException("unit " + name + " does not exist");
            }
            putJobLocked(name, unit, desired, old.global());
            return null;
        });
    }

    /** Stores a unit body without a job (a rollout's new file); call under the store's lock. */
    void putUnitLocked(UnitFile unit) {
        units.put(unit.hash().hex(), unit);
        watches.touched("unit/" + unit.hash().hex());
    }

    private void putJobLocked(String name, UnitFile unit, TargetState desired, boolean wasGlobal) {
        String hash = unit.hash().hex();
        boolean global = GlobalUnits.isGlobal(name, unit);
        units.put(hash, unit);
        jobs.put(name, new JobEntry(hash, desired, global));
        watches.touched("unit/" + hash);
        watches.touched("job/" + name);
        if (global || wasGlobal) {
            watches.touched("global/" + name);
        }
    }

    boolean setDesiredState(String name, TargetState desired) {
        Objects.requireNonNull(desired, "desired");
        return store.op("txn", () -> {
            JobEntry old = jobs.get(name);
            if (old == null) {
                return false;
            }
            jobs.put(name, new JobEntry(old.hash(), desired, old.global()));
            watches.touched("job/" + name);
            if (old.global()) {
                watches.touched("global/" + name);
            }
            return true;
        });
    }

    boolean destroyJob(String name) {
        return store.op("txn", () -> {
            JobEntry old = jobs.remove(name);
            if (old == null) {
                return false;
            }
            if (jobResults.remove(name) != null) watches.touched("job-result/" + name);
            watches.touched("job/" + name);
            if (old.global()) {
                watches.touched("global/" + name);
            }
            return true;
        });
    }

    Optional<Job> job(String name) {
        return store.op("get", () -> {
            JobEntry e = jobs.get(name);
            return e == null ? Optional.empty() : Optional.of(toJob(name, e, schedule.placementsLocked()));
        });
    }

    List<Job> jobs() {
        return store.op("range", () -> {
            Map<String, String> placements = schedule.placementsLocked();
            List<Job> out = new ArrayList<>(jobs.size());
            jobs.forEach((name, e) -> out.add(toJob(name, e, placements)));
            return out;
        });
    }

    List<String> names() {
        return store.op("range", () -> new ArrayList<>(jobs.keySet()));
    }

    List<Job> jobs(Collection<String> names) {
        return store.op("range", () -> {
            Map<String, String> placements = schedule.placementsLocked();
            List<Job> out = new ArrayList<>();
            new java.util.TreeSet<>(names).forEach(name -> {
                JobEntry e = jobs.get(name);
                if (e != null) out.add(toJob(name, e, placements));
            });
            return out;
        });
    }

    List<Job> globalJobs() {
        return store.op("range", () -> {
            List<Job> out = new ArrayList<>();
            jobs.forEach((name, e) -> {
                if (e.global()) out.add(toJob(name, e, Map.of()));
            });
            return out;
        });
    }

    /** A global job has no target machine: it runs wherever its rules match (the agents decide). */
    private Job toJob(String name, JobEntry e, Map<String, String> placements) {
        Optional<String> target = e.global() ? Optional.empty() : Optional.ofNullable(placements.get(name));
        return new Job(name, units.get(e.hash()), e.desired(), target);
    }

    Map<String, org.fleetj.registry.JobResult> jobResults() {
        return store.op("range", () -> java.util.Collections.unmodifiableMap(new TreeMap<>(jobResults)));
    }

    Optional<org.fleetj.registry.JobResult> jobResult(String unit) {
        return store.op("get", () -> Optional.ofNullable(jobResults.get(unit)));
    }

    /** Written only while the job exists, as the etcd registry's transaction does. */
    boolean putJobResult(org.fleetj.registry.JobResult result) {
        NameRules.unitName(result.unit());
        return store.op("txn", () -> {
            if (!jobs.containsKey(result.unit())) return false;
            jobResults.put(result.unit(), result);
            watches.touched("job-result/" + result.unit());
            return true;
        });
    }
}
