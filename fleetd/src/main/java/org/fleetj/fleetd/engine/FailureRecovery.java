package org.fleetj.fleetd.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.api.MachineIds;
import org.fleetj.registry.Job;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.UnitState;
import org.fleetj.scheduler.ClusterSnapshot;
import org.fleetj.scheduler.Machine;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.scheduler.Task;
import org.fleetj.scheduler.UnitSpec;
import org.fleetj.unit.FailurePolicy;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of the failure policy ({@link FailurePolicy}, beyond fleet): a unit whose agent reports it
 * {@code failed} is restarted in place, up to the policy's count within its window, then moved to another machine
 * (never one it gave up on). Units without a policy are never looked at, so they behave exactly as in fleet.
 *
 * <p>A restart in place is two schedule writes, so that it needs nothing new from the agent: the entry goes to
 * {@code loaded} (the agent stops the failed unit and reports {@code applied=loaded}), then back to
 * {@code launched} (the engine's usual bookkeeping, held back until that report, so the agent cannot miss the stop).
 * The engine does not watch unit states; its periodic pass notices failures (within
 * {@code engine_reconcile_interval}).
 *
 * <p>Counts live in the registry ({@link UnitFailures}), so they survive an engine failover.
 */
final class FailureRecovery {
    private static final Logger log = LoggerFactory.getLogger(FailureRecovery.class);

    /** What one engine pass knows, handed over by {@link EngineReconciler}. */
    record Pass(Map<String, Job> jobs, List<UnitSpec> specs, List<Machine> machines, Map<String, List<ScheduledUnit>> schedule) {
    }

    private final Registry registry;
    private final Scheduler scheduler;
    private final Clock clock;
    /** Failure records to write once the pass's schedule changes are written. */
    private final Map<String, UnitFailures> pendingRecords = new LinkedHashMap<>();
    private final List<String> pendingRemovals = new ArrayList<>();
    /** unit -> machine whose current failure was already counted and left as it is (restarts used up, nowhere to go). */
    private final Map<String, String> settled = new HashMap<>();
    /** Whether the registry may hold failure records (true at first: a former leader may have written some). */
    private boolean recordsMayExist = true;

    FailureRecovery(Registry registry, Scheduler scheduler, Clock clock) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * Reviews one pass's changes: adds restarts and moves of failed units, and holds back the re-launch of a unit
     * being restarted until its agent has stopped it. Returns the changes to write.
     */
    List<ScheduleChange> review(Pass pass, List<ScheduleChange> changes) {
        pendingRecords.clear();
        pendingRemovals.clear();
        Map<String, FailurePolicy> policies = policies(pass.jobs());
        if (policies.isEmpty() && !recordsMayExist) {
            settled.clear();
            return changes;
        }
        Map<String, UnitFailures> records = registry.unitFailures();
        for (String unit : records.keySet()) {
            if (!pass.jobs().containsKey(unit)) pendingRemovals.add(unit);
        }
        // a cluster that never used a failure policy pays no extra read per pass
        recordsMayExist = !records.isEmpty() || !policies.isEmpty();
        Map<String, UnitState> states = new HashMap<>();
        for (UnitState s : registry.unitStates()) states.put(s.name() + "\n" + s.machineId(), s);

        List<ScheduleChange> out = new ArrayList<>(changes);
        settled.keySet().retainAll(policies.keySet());
        for (Map.Entry<String, FailurePolicy> e : policies.entrySet()) {
            String unit = e.getKey();
            Job job = pass.jobs().get(unit);
            if (job.desiredState() != TargetState.LAUNCHED || job.targetMachine().isEmpty()) continue;
            String machine = job.targetMachine().get();
            Optional<ScheduledUnit> entry = entry(pass.schedule(), machine, unit);
            UnitState state = states.get(unit + "\n" + machine);
            if (entry.isEmpty() || out.stream().anyMatch(c -> c.unit().equals(unit) && c.kind() == ScheduleChange.Kind.UNASSIGN)) {
                continue; // being placed or moved by the scheduler already
            }
            if (entry.get().desiredState() == TargetState.LOADED) {
                // a restart in progress: re-launch only once the agent reports it stopped the failed unit
                if (state != null && state.applied() == TargetState.LAUNCHED) out.removeIf(c -> c.unit().equals(unit));
                continue;
            }
            boolean failed = state != null && "failed".equals(state.activeState()) && state.applied() == TargetState.LAUNCHED
                    && state.unitHash().equals(job.unitHash()) && entry.get().unitHash().equals(job.unitHash());
            if (!failed) {
                settled.remove(unit);
                continue;
            }
            if (machine.equals(settled.get(unit))) continue;
            out.removeIf(c -> c.unit().equals(unit));
            react(pass, job, e.getValue(), machine, state, records.get(unit), out);
        }
        return out;
    }

    private void react(Pass pass, Job job, FailurePolicy policy, String machine, UnitState state, UnitFailures before,
                       List<ScheduleChange> out) {
        String unit = job.name();
        Instant now = clock.instant();
        Instant windowStart = now.minus(policy.window());
        List<Instant> restarts = new ArrayList<>();
        if (before != null) before.restarts().stream().filter(t -> t.isAfter(windowStart)).forEach(restarts::add);
        List<String> gaveUpOn = before == null ? new ArrayList<>() : new ArrayList<>(before.gaveUpOn());
        int failures = (before == null ? 0 : before.failures()) + 1;
        String what = state.activeState() + "/" + state.subState();
        String where = shortId(machine);
        if (restarts.size() < policy.restarts()) {
            restarts.add(now);
            String reason = "failed on " + where + " (" + what + "); restarting it in place, restart " + restarts.size() + " of "
                    + policy.restarts() + " within " + policy.window().toSeconds() + " s";
            out.add(ScheduleChange.assign(unit, machine, job.unitHash(), TargetState.LOADED, reason));
        } else if (policy.reschedule()) {
            if (!gaveUpOn.contains(machine)) gaveUpOn.add(machine);
            Optional<String> to = otherMachine(pass, job, gaveUpOn);
            if (to.isPresent()) {
                restarts.clear();
                String reason = "failed on " + where + " (" + what + ") with its " + policy.restarts()
                        + " restart(s) used up; moving it to another machine (never back to " + shortIds(gaveUpOn) + ")";
                out.add(ScheduleChange.unassign(unit, machine, reason));
                out.add(ScheduleChange.assign(unit, to.get(), job.unitHash(), TargetState.LAUNCHED, reason));
            } else {
                settled.put(unit, machine);
                log.warn("engine: {} failed on {} ({}) with its restarts used up, and no other machine may run it (it gave up on {});"
                        + " leaving it failed", unit, where, what, shortIds(gaveUpOn));
            }
        } else {
            settled.put(unit, machine);
            log.warn("engine: {} failed on {} ({}); its {} restart(s) within {} s are used up and it may not move: leaving it failed",
                    unit, where, what, policy.restarts(), policy.window().toSeconds());
        }
        recordsMayExist = true;
        pendingRecords.put(unit, new UnitFailures(unit, failures, restarts, now, machine, what, gaveUpOn));
    }

    /** Where the scheduler would put {@code job} if the machines it gave up on did not exist (every other rule holds). */
    private Optional<String> otherMachine(Pass pass, Job job, List<String> excluded) {
        List<Machine> machines = pass.machines().stream().filter(m -> !excluded.contains(m.id())).toList();
        List<UnitSpec> specs = pass.specs().stream()
                .map(s -> s.name().equals(job.name()) ? s.withTarget(Optional.empty()) : s)
                .toList();
        for (Task t : scheduler.plan(ClusterSnapshot.of(machines, specs)).tasks()) {
            if (t.unit().equals(job.name()) && t.kind() == Task.Kind.SCHEDULE) return Optional.of(t.machine());
        }
        return Optional.empty();
    }

    /** Writes the records decided in the last {@link #review}; call after its schedule changes were written. */
    void commit(Leadership leadership) {
        for (UnitFailures f : pendingRecords.values()) registry.putUnitFailures(leadership, f);
        for (String unit : pendingRemovals) {
            try {
                registry.removeUnitFailures(leadership, unit);
            } catch (RegistryException e) {
                log.debug("engine: could not remove the failure record of destroyed {} (next pass retries): {}", unit, e.getMessage());
            }
        }
        pendingRecords.clear();
        pendingRemovals.clear();
    }

    private static Map<String, FailurePolicy> policies(Map<String, Job> jobs) {
        Map<String, FailurePolicy> out = new LinkedHashMap<>();
        for (Job j : jobs.values()) {
            try {
                FailurePolicy.from(j.unit()).filter(FailurePolicy::acts).ifPresent(p -> out.put(j.name(), p));
            } catch (UnitParseException e) {
                // refused at submission; the engine reports invalid units already
            }
        }
        return out;
    }

    private static Optional<ScheduledUnit> entry(Map<String, List<ScheduledUnit>> schedule, String machine, String unit) {
        for (ScheduledUnit s : schedule.getOrDefault(machine, List.of())) {
            if (s.name().equals(unit)) return Optional.of(s);
        }
        return Optional.empty();
    }

    private static String shortId(String id) {
        return MachineIds.shortId(id);
    }

    private static String shortIds(List<String> ids) {
        return String.join(", ", ids.stream().map(FailureRecovery::shortId).toList());
    }
}
