package org.fleetj.fleetd.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.fleetj.registry.Job;
import org.fleetj.registry.Rollout;
import org.fleetj.registry.RolloutInstance;
import org.fleetj.registry.RolloutInstance.Step;
import org.fleetj.registry.RolloutSpec;
import org.fleetj.registry.RolloutStatus;
import org.fleetj.registry.RolloutStatus.Phase;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;

/**
 * The rolling-update logic (beyond fleet), pure over a read-only snapshot: given a rollout, the jobs it covers, what
 * the agents report, a global unit's pins and the time, it decides the rollout's next status and which files to put
 * where. The engine's {@link RolloutDriver} reads and writes; nothing here touches the registry.
 *
 * <p>Rules, in order, each pass:
 * <ol>
 * <li>an instance being replaced is done once its new version has been seen active, without a gap, for min-healthy;
 * it failed when systemd reports it {@code failed}, or when it is not active within the active deadline;</li>
 * <li>a failure stops the rollout; with auto-revert the previous file goes back on every instance the rollout changed
 * (instances still waiting are never touched);</li>
 * <li>abort stops it where it is; pause lets the instances in flight finish but starts none;</li>
 * <li>otherwise instances still waiting are replaced while at most max-unavailable instances are down (an instance
 * being replaced counts as down whatever its state; an old instance that is not active counts too, and is replaced
 * first, as replacing it takes nothing more down).</li>
 * </ol>
 * A template's instance keeps its machine: only its job's file changes, and its agent stops the old version and starts
 * the new one in place, so old and new never run side by side (the scheduler moves it only if the new file's rules
 * demand). A global unit's copies are replaced machine by machine by pinning each machine's copy to the new file (a
 * schedule entry, which the agent prefers to the global job); when every machine runs it, the global job gets the new
 * file and the pins go, which changes nothing that runs.
 */
public final class RolloutPlanner {

    /**
     * Plans one pass.
     *
     * @param jobs   the jobs the rollout covers, by name
     * @param states what agents report, by {@link #stateKey}
     * @param pins   for a global unit: machine to pinned hash (its schedule entries); empty for a template
     */
    public RolloutPlan plan(Rollout rollout, Map<String, Job> jobs, Map<String, UnitState> states, Map<String, String> pins, Instant now) {
        RolloutSpec spec = rollout.spec();
        Optional<RolloutStatus> before = rollout.status();
        if (before.isPresent() && before.get().phase().isFinal()) return leftovers(spec, before.get(), pins);

        Pass p = new Pass(spec, jobs, states, pins, now);
        p.collect(before);
        List<RolloutPlan.FileChange> files = new ArrayList<>();
        List<RolloutPlan.Pin> pinChanges = new ArrayList<>();
        String message = before.map(RolloutStatus::message).orElse("");
        Phase phase;

        p.watchInFlight(files, pinChanges);
        List<RolloutInstance> failed = p.with(Step.FAILED);
        if (!failed.isEmpty()) {
            RolloutInstance first = failed.get(0);
            message = p.label(first) + " failed: " + first.note() + "; rollout stopped";
            phase = Phase.FAILED;
            if (spec.autoRevert()) {
                int reverted = p.revert(files, pinChanges);
                phase = Phase.REVERTED;
                message += "; previous unit file put back on " + reverted + " instance" + (reverted == 1 ? "" : "s");
            }
        } else if (spec.control() == RolloutSpec.Control.ABORT) {
            phase = Phase.ABORTED;
            message = "aborted by the user with " + p.with(Step.DONE).size() + " of " + p.instances.size()
                    + " instances on the new version; nothing reverted";
        } else if (p.instances.values().stream().allMatch(i -> i.step() == Step.DONE)) {
            Optional<String> handOver = p.handOver(files, pinChanges);
            phase = handOver.isPresent() ? Phase.RUNNING : Phase.SUCCEEDED;
            message = handOver.orElse(p.instances.isEmpty() ? "no instance of " + spec.unit() + " to replace"
                    : "all " + p.instances.size() + " instances run the new version");
        } else if (spec.control() == RolloutSpec.Control.PAUSE) {
            phase = Phase.PAUSED;
            message = "paused by the user: no instance is started; " + p.with(Step.REPLACING).size() + " in flight finish";
        } else {
            phase = Phase.RUNNING;
            String started = p.startMore(files, pinChanges);
            if (!started.isEmpty()) message = started;
            else if (before.isEmpty() || before.get().phase() != Phase.RUNNING) message = "rolling";
        }
        RolloutStatus next = new RolloutStatus(spec.unit(), spec.id(), phase, List.copyOf(p.instances.values()), message,
                before.map(RolloutStatus::updatedAt).orElse(now));
        boolean changed = before.isEmpty() || !sameExceptTime(before.get(), next);
        if (changed) next = new RolloutStatus(next.unit(), next.id(), next.phase(), next.instances(), next.message(), now);
        return new RolloutPlan(next, changed, files, pinChanges);
    }

    /**
     * A finished rollout of a global unit that succeeded or was reverted holds no machine: pins left by a leader that
     * stopped between recording the end and removing them go now (after a failure without revert, or an abort, the
     * machines that got the new file keep it, pinned, until the next rollout of the unit).
     */
    private static RolloutPlan leftovers(RolloutSpec spec, RolloutStatus status, Map<String, String> pins) {
        List<RolloutPlan.Pin> unpin = new ArrayList<>();
        if (status.phase() == Phase.SUCCEEDED || status.phase() == Phase.REVERTED) {
            new TreeMap<>(pins).keySet().forEach(m -> unpin.add(new RolloutPlan.Pin(m, Optional.empty(), "rollout of " + spec.unit()
                    + " " + status.phase().wireName() + ": unpinning its copy on " + shortId(m) + " (left over)")));
        }
        return new RolloutPlan(status, false, List.of(), unpin);
    }

    /** When the next pass must run even without an event: an instance's min-healthy time or deadline ends. */
    public Optional<Instant> nextDeadline(RolloutSpec spec, RolloutStatus status) {
        if (status.phase().isFinal()) return Optional.empty();
        return status.instances().stream().filter(i -> i.step() == Step.REPLACING)
                .map(i -> i.activeSince().map(t -> t.plus(spec.minHealthy())).orElse(i.since().plus(spec.activeDeadline())))
                .min(Comparator.naturalOrder());
    }

    public static String stateKey(String unit, String machine) {
        return unit + "\n" + machine;
    }

    private static boolean sameExceptTime(RolloutStatus a, RolloutStatus b) {
        return a.phase() == b.phase() && a.instances().equals(b.instances()) && a.message().equals(b.message());
    }

    static String shortId(String id) {
        return org.fleetj.api.MachineIds.shortId(id);
    }

    /** One pass's working state. */
    private static final class Pass {
        final RolloutSpec spec;
        final Map<String, Job> jobs;
        final Map<String, UnitState> states;
        final Map<String, String> pins;
        final Instant now;
        final boolean global;
        final Map<String, RolloutInstance> instances = new LinkedHashMap<>();

        Pass(RolloutSpec spec, Map<String, Job> jobs, Map<String, UnitState> states, Map<String, String> pins, Instant now) {
            this.spec = spec;
            this.jobs = jobs;
            this.states = states;
            this.pins = pins;
            this.now = now;
            this.global = !spec.ofTemplate();
        }

        /**
         * The instances of the status, plus those that appeared since (waiting), minus those gone: a template's jobs,
         * or the machines whose agent reports the global unit.
         */
        void collect(Optional<RolloutStatus> before) {
            Map<String, String> current = new TreeMap<>();   // key -> hash it runs now
            if (global) {
                Job job = jobs.get(spec.unit());
                if (job != null) {
                    states.values().stream().filter(s -> s.name().equals(spec.unit()))
                            .forEach(s -> current.put(s.name() + "\n" + s.machineId(), pins.getOrDefault(s.machineId(), job.unitHash())));
                }
            } else {
                jobs.values().forEach(j -> current.put(j.name(), j.unitHash()));
            }
            before.ifPresent(s -> s.instances().forEach(i -> {
                if (current.containsKey(key(i))) instances.put(key(i), i);
            }));
            current.forEach((key, hash) -> {
                if (instances.containsKey(key)) return;
                String[] parts = (key + "\n").split("\n", -1);
                String machine = global ? parts[1] : jobs.get(parts[0]).targetMachine().orElse("");
                boolean already = hash.equals(spec.newHash());
                instances.put(key, new RolloutInstance(parts[0], machine, hash, already ? Step.DONE : Step.WAITING, now, Optional.empty(),
                        already ? "already had the new unit file" : ""));
            });
        }

        /** Tells instances apart: a template's by job name, a global unit's copies by machine. */
        String key(RolloutInstance i) {
            return global ? i.key() : i.name();
        }

        List<RolloutInstance> with(Step step) {
            return instances.values().stream().filter(i -> i.step() == step).toList();
        }

        String label(RolloutInstance i) {
            return global ? i.name() + " on " + shortId(i.machine()) : i.name();
        }

        Job job(RolloutInstance i) {
            return jobs.get(global ? spec.unit() : i.name());
        }

        /** The machine the instance runs on now. */
        Optional<String> machine(RolloutInstance i) {
            return global ? Optional.of(i.machine()) : job(i).targetMachine();
        }

        /** The file the instance is told to run now. */
        String hash(RolloutInstance i) {
            return global ? pins.getOrDefault(i.machine(), job(i).unitHash()) : job(i).unitHash();
        }

        Optional<UnitState> state(RolloutInstance i) {
            return machine(i).map(m -> states.get(stateKey(i.name(), m)));
        }

        boolean launched(RolloutInstance i) {
            return job(i).desiredState() == TargetState.LAUNCHED;
        }

        boolean active(RolloutInstance i) {
            return state(i).map(s -> "active".equals(s.activeState())).orElse(false);
        }

        /** Tells the instance to run the file under {@code hash}. */
        void set(RolloutInstance i, String hash, String reason, List<RolloutPlan.FileChange> files, List<RolloutPlan.Pin> pinChanges) {
            if (global) pinChanges.add(new RolloutPlan.Pin(i.machine(), Optional.of(hash), reason));
            else files.add(new RolloutPlan.FileChange(i.name(), hash, reason));
        }

        void watchInFlight(List<RolloutPlan.FileChange> files, List<RolloutPlan.Pin> pinChanges) {
            for (RolloutInstance i : with(Step.REPLACING)) {
                String key = key(i);
                if (!hash(i).equals(spec.newHash())) {
                    // the status was written, the file not (the leader stopped in between): write it now
                    set(i, spec.newHash(), "rollout of " + spec.unit() + ": replacing " + label(i) + " (again: its file was not written yet)",
                            files, pinChanges);
                    continue;
                }
                if (!launched(i)) {
                    instances.put(key, i.to(Step.DONE, now, "not launched: nothing to wait for"));
                    continue;
                }
                Optional<UnitState> s = state(i).filter(st -> st.unitHash().equals(spec.newHash()));
                String where = machine(i).map(RolloutPlanner::shortId).orElse("no machine");
                if (s.isPresent() && "failed".equals(s.get().activeState())) {
                    instances.put(key, i.to(Step.FAILED, now, "systemd reports it failed on " + where + " (" + s.get().activeState() + "/"
                            + s.get().subState() + ")"));
                } else if (s.isPresent() && "active".equals(s.get().activeState())) {
                    Instant since = i.activeSince().orElse(now);
                    if (!Duration.between(since, now).minus(spec.minHealthy()).isNegative()) {
                        instances.put(key, i.to(Step.DONE, now, "active on " + where + " for " + spec.minHealthy().toMillis() + " ms"));
                    } else {
                        instances.put(key, i.activeFrom(Optional.of(since)).on(machine(i).orElse("")));
                    }
                } else if (Duration.between(i.since(), now).compareTo(spec.activeDeadline()) > 0) {
                    instances.put(key, i.to(Step.FAILED, now, "not active within " + spec.activeDeadline().toSeconds() + " s (now "
                            + s.map(st -> st.activeState() + "/" + st.subState()).orElse("not reported") + " on " + where + ")"));
                } else if (i.activeSince().isPresent()) {
                    instances.put(key, i.activeFrom(Optional.empty()));   // a gap: min-healthy starts again
                }
            }
        }

        /** Puts the previous file back on every instance the rollout changed; returns how many. */
        int revert(List<RolloutPlan.FileChange> files, List<RolloutPlan.Pin> pinChanges) {
            int n = 0;
            for (RolloutInstance i : List.copyOf(instances.values())) {
                if (i.step() == Step.WAITING || i.step() == Step.REVERTED) continue;
                if (i.oldHash().equals(spec.newHash())) continue;   // it had the new file before the rollout began
                String reason = "rollout of " + spec.unit() + " stopped on a failure: putting " + label(i) + "'s previous unit file back (auto-revert)";
                if (global && i.oldHash().equals(job(i).unitHash())) {
                    pinChanges.add(new RolloutPlan.Pin(i.machine(), Optional.empty(), reason));   // back to the global job's file
                } else {
                    set(i, i.oldHash(), reason, files, pinChanges);
                }
                String why = i.step() == Step.FAILED ? i.note() + "; previous file put back" : "previous file put back";
                instances.put(key(i), i.to(Step.REVERTED, now, why));
                n++;
            }
            return n;
        }

        /**
         * Once every copy of a global unit runs the new file: gives the global job the new file, then (next pass, once
         * it has it) removes the pins. Returns what it does, or empty when nothing is left to hand over.
         */
        Optional<String> handOver(List<RolloutPlan.FileChange> files, List<RolloutPlan.Pin> pinChanges) {
            if (!global || jobs.get(spec.unit()) == null) return Optional.empty();
            Job job = jobs.get(spec.unit());
            if (!job.unitHash().equals(spec.newHash())) {
                files.add(new RolloutPlan.FileChange(job.name(), spec.newHash(), "rollout of " + spec.unit()
                        + ": every machine runs the new file; giving it to the global unit itself"));
                return Optional.of("every machine runs the new file; handing over to the global unit");
            }
            if (pins.isEmpty()) return Optional.empty();
            new TreeMap<>(pins).keySet().forEach(m -> pinChanges.add(new RolloutPlan.Pin(m, Optional.empty(), "rollout of " + spec.unit()
                    + ": the global unit has the new file; unpinning its copy on " + shortId(m))));
            return Optional.of("the global unit has the new file; unpinning its copies");
        }

        /** Starts replacements within max-unavailable; returns what it started, for the status message. */
        String startMore(List<RolloutPlan.FileChange> files, List<RolloutPlan.Pin> pinChanges) {
            Set<String> down = new LinkedHashSet<>();
            for (RolloutInstance i : instances.values()) {
                boolean running = !launched(i) || active(i);
                if (i.step() == Step.REPLACING || !running) down.add(key(i));
            }
            List<RolloutInstance> waiting = new ArrayList<>(with(Step.WAITING));
            waiting.sort(Comparator.comparing((RolloutInstance i) -> !down.contains(key(i))).thenComparing(RolloutInstance::name)
                    .thenComparing(RolloutInstance::machine));
            List<String> started = new ArrayList<>();
            for (RolloutInstance i : waiting) {
                boolean alreadyDown = down.contains(key(i));
                if (!alreadyDown && down.size() >= spec.maxUnavailable()) break;
                down.add(key(i));
                String where = machine(i).map(RolloutPlanner::shortId).orElse("no machine yet");
                long position = instances.values().stream().filter(x -> x.step() != Step.WAITING).count() + 1;
                String reason = "rollout of " + spec.unit() + ": replacing " + i.name() + " on " + where + " (" + position + " of "
                        + instances.size() + (alreadyDown ? "; it was not active anyway" : "; " + down.size() + " down of max-unavailable "
                        + spec.maxUnavailable()) + ")";
                instances.put(key(i), new RolloutInstance(i.name(), machine(i).orElse(""), hash(i), Step.REPLACING, now, Optional.empty(), ""));
                set(i, spec.newHash(), reason, files, pinChanges);
                started.add(label(i));
            }
            return started.isEmpty() ? "" : "replacing " + String.join(", ", started);
        }
    }
}
