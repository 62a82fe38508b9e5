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
 * the agents report and the time, it decides the rollout's next status and which job files to change. The engine's
 * {@link RolloutDriver} reads and writes; nothing here touches the registry.
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
 * A replaced instance keeps its machine: only its file changes, and its agent stops the old version and starts the new
 * one in place, so old and new never run side by side (the scheduler moves it only if the new file's rules demand).
 */
public final class RolloutPlanner {

    /** Plans one pass; {@code states} maps {@link #stateKey} to what the agents report. */
    public RolloutPlan plan(Rollout rollout, Map<String, Job> jobs, Map<String, UnitState> states, Instant now) {
        RolloutSpec spec = rollout.spec();
        Optional<RolloutStatus> before = rollout.status();
        if (before.isPresent() && before.get().phase().isFinal()) return new RolloutPlan(before.get(), false, List.of());

        Pass p = new Pass(spec, jobs, states, now, instances(spec, before, jobs, now));
        List<RolloutPlan.FileChange> files = new ArrayList<>();
        String message = before.map(RolloutStatus::message).orElse("");
        Phase phase;

        p.watchInFlight(files);
        List<RolloutInstance> failed = p.with(Step.FAILED);
        if (!failed.isEmpty()) {
            RolloutInstance first = failed.get(0);
            message = first.name() + " failed: " + first.note() + "; rollout stopped";
            phase = Phase.FAILED;
            if (spec.autoRevert()) {
                int reverted = p.revert(files);
                phase = Phase.REVERTED;
                message += "; previous unit file put back on " + reverted + " instance" + (reverted == 1 ? "" : "s");
            }
        } else if (spec.control() == RolloutSpec.Control.ABORT) {
            phase = Phase.ABORTED;
            message = "aborted by the user with " + p.with(Step.DONE).size() + " of " + p.instances.size()
                    + " instances on the new version; nothing reverted";
        } else if (p.instances.values().stream().allMatch(i -> i.step() == Step.DONE)) {
            phase = Phase.SUCCEEDED;
            message = p.instances.isEmpty() ? "no instance of " + spec.unit() + " to replace"
                    : "all " + p.instances.size() + " instances run the new version";
        } else if (spec.control() == RolloutSpec.Control.PAUSE) {
            phase = Phase.PAUSED;
            message = "paused by the user: no instance is started; " + p.with(Step.REPLACING).size() + " in flight finish";
        } else {
            phase = Phase.RUNNING;
            String started = p.startMore(files);
            if (!started.isEmpty()) message = started;
            else if (before.isEmpty() || before.get().phase() != Phase.RUNNING) message = "rolling";
        }
        RolloutStatus next = new RolloutStatus(spec.unit(), spec.id(), phase, List.copyOf(p.instances.values()), message,
                before.map(RolloutStatus::updatedAt).orElse(now));
        boolean changed = before.isEmpty() || !sameExceptTime(before.get(), next);
        if (changed) next = new RolloutStatus(next.unit(), next.id(), next.phase(), next.instances(), next.message(), now);
        return new RolloutPlan(next, changed, files);
    }

    /** When the next pass must run even without an event: an instance's min-healthy time ends. */
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

    /** The instances of the status, plus jobs created since (waiting), minus jobs destroyed since. */
    private static Map<String, RolloutInstance> instances(RolloutSpec spec, Optional<RolloutStatus> before, Map<String, Job> jobs, Instant now) {
        Map<String, RolloutInstance> out = new LinkedHashMap<>();
        before.ifPresent(s -> s.instances().forEach(i -> {
            if (jobs.containsKey(i.name())) out.put(i.name(), i);
        }));
        jobs.values().stream().filter(j -> spec.covers(j.name())).sorted(Comparator.comparing(Job::name)).forEach(j -> {
            if (out.containsKey(j.name())) return;
            boolean already = j.unitHash().equals(spec.newHash());
            out.put(j.name(), new RolloutInstance(j.name(), j.targetMachine().orElse(""), j.unitHash(), already ? Step.DONE : Step.WAITING, now,
                    Optional.empty(), already ? "already had the new unit file" : ""));
        });
        return out;
    }

    /** One pass's working state. */
    private static final class Pass {
        final RolloutSpec spec;
        final Map<String, Job> jobs;
        final Map<String, UnitState> states;
        final Instant now;
        final Map<String, RolloutInstance> instances;

        Pass(RolloutSpec spec, Map<String, Job> jobs, Map<String, UnitState> states, Instant now, Map<String, RolloutInstance> instances) {
            this.spec = spec;
            this.jobs = jobs;
            this.states = states;
            this.now = now;
            this.instances = instances;
        }

        List<RolloutInstance> with(Step step) {
            return instances.values().stream().filter(i -> i.step() == step).toList();
        }

        /** What the agent of the job's machine reports, if anything. */
        Optional<UnitState> state(Job job) {
            return job.targetMachine().map(m -> states.get(stateKey(job.name(), m)));
        }

        boolean active(Job job) {
            return state(job).map(s -> "active".equals(s.activeState())).orElse(false);
        }

        void watchInFlight(List<RolloutPlan.FileChange> files) {
            for (RolloutInstance i : with(Step.REPLACING)) {
                Job job = jobs.get(i.name());
                if (!job.unitHash().equals(spec.newHash())) {
                    // the status was written, the file not (the leader stopped in between): write it now
                    files.add(new RolloutPlan.FileChange(i.name(), spec.newHash(), "rollout of " + spec.unit() + ": replacing " + i.name()
                            + " (again: its file was not written yet)"));
                    continue;
                }
                if (job.desiredState() != TargetState.LAUNCHED) {
                    instances.put(i.name(), i.to(Step.DONE, now, "not launched: nothing to wait for"));
                    continue;
                }
                Optional<UnitState> s = state(job).filter(st -> st.unitHash().equals(spec.newHash()));
                String where = job.targetMachine().map(Pass::shortId).orElse("no machine");
                if (s.isPresent() && "failed".equals(s.get().activeState())) {
                    instances.put(i.name(), i.to(Step.FAILED, now, "systemd reports it failed on " + where + " (" + s.get().activeState() + "/"
                            + s.get().subState() + ")"));
                } else if (s.isPresent() && "active".equals(s.get().activeState())) {
                    Instant since = i.activeSince().orElse(now);
                    if (!Duration.between(since, now).minus(spec.minHealthy()).isNegative()) {
                        instances.put(i.name(), i.to(Step.DONE, now, "active on " + where + " for " + spec.minHealthy().toMillis() + " ms"));
                    } else {
                        instances.put(i.name(), i.activeFrom(Optional.of(since)).on(job.targetMachine().orElse("")));
                    }
                } else if (Duration.between(i.since(), now).compareTo(spec.activeDeadline()) > 0) {
                    instances.put(i.name(), i.to(Step.FAILED, now, "not active within " + spec.activeDeadline().toSeconds() + " s (now "
                            + s.map(st -> st.activeState() + "/" + st.subState()).orElse("not reported") + " on " + where + ")"));
                } else if (i.activeSince().isPresent()) {
                    instances.put(i.name(), i.activeFrom(Optional.empty()));   // a gap: min-healthy starts again
                }
            }
        }

        /** Puts the previous file back on every instance the rollout changed; returns how many. */
        int revert(List<RolloutPlan.FileChange> files) {
            int n = 0;
            for (RolloutInstance i : List.copyOf(instances.values())) {
                if (i.step() == Step.WAITING || i.step() == Step.REVERTED) continue;
                if (i.oldHash().equals(spec.newHash())) continue;   // it had the new file before the rollout began
                files.add(new RolloutPlan.FileChange(i.name(), i.oldHash(), "rollout of " + spec.unit() + " stopped on a failure: putting "
                        + i.name() + "'s previous unit file back (auto-revert)"));
                String why = i.step() == Step.FAILED ? i.note() + "; previous file put back" : "previous file put back";
                instances.put(i.name(), i.to(Step.REVERTED, now, why));
                n++;
            }
            return n;
        }

        /** Starts replacements within max-unavailable; returns what it started, for the status message. */
        String startMore(List<RolloutPlan.FileChange> files) {
            Set<String> down = new LinkedHashSet<>();
            for (RolloutInstance i : instances.values()) {
                Job job = jobs.get(i.name());
                boolean running = job.desiredState() != TargetState.LAUNCHED || active(job);
                if (i.step() == Step.REPLACING || !running) down.add(i.name());
            }
            List<RolloutInstance> waiting = new ArrayList<>(with(Step.WAITING));
            waiting.sort(Comparator.comparing((RolloutInstance i) -> !down.contains(i.name())).thenComparing(RolloutInstance::name));
            List<String> started = new ArrayList<>();
            for (RolloutInstance i : waiting) {
                boolean alreadyDown = down.contains(i.name());
                if (!alreadyDown && down.size() >= spec.maxUnavailable()) break;
                Job job = jobs.get(i.name());
                down.add(i.name());
                String where = job.targetMachine().map(Pass::shortId).orElse("no machine yet");
                long position = instances.values().stream().filter(x -> x.step() != Step.WAITING).count() + 1;
                String reason = "rollout of " + spec.unit() + ": replacing " + i.name() + " on " + where + " (" + position + " of "
                        + instances.size() + (alreadyDown ? "; it was not active anyway" : "; " + down.size() + " down of max-unavailable "
                        + spec.maxUnavailable()) + ")";
                instances.put(i.name(), new RolloutInstance(i.name(), job.targetMachine().orElse(""), job.unitHash(), Step.REPLACING, now,
                        Optional.empty(), ""));
                files.add(new RolloutPlan.FileChange(i.name(), spec.newHash(), reason));
                started.add(i.name());
            }
            return started.isEmpty() ? "" : "replacing " + String.join(", ", started);
        }

        private static String shortId(String id) {
            return id.length() > 8 ? id.substring(0, 8) : id;
        }
    }
}
