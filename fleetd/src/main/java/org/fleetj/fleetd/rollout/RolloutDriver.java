package org.fleetj.fleetd.rollout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.registry.Job;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.NoSuchUnitException;
import org.fleetj.registry.Registry;
import org.fleetj.registry.Rollout;
import org.fleetj.registry.RolloutStatus;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.UnitFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of rollouts (beyond fleet): once per engine pass it reads the rollouts not finished, asks the
 * {@link RolloutPlanner} what to do, records the new status (fenced: a deposed engine changes nothing) and only then
 * puts the new unit files on the jobs, so that whatever a leader began, the next one finds in the status. Every action
 * is logged with its reason.
 *
 * <p>A rollout changes a template instance's file with the same write as {@code fleetctl start --replace}; the
 * engine's usual bookkeeping then carries the new hash to the machine's schedule and the agent restarts the unit with
 * it. A global unit's copies are pinned machine by machine with schedule entries (fenced like every schedule write).
 */
public final class RolloutDriver {
    private static final Logger log = LoggerFactory.getLogger(RolloutDriver.class);

    private final Registry registry;
    private final RolloutPlanner planner = new RolloutPlanner();
    private final Clock clock;
    private Optional<Instant> nextDeadline = Optional.empty();

    public RolloutDriver(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Drives every rollout not finished one step; {@code jobs} and {@code schedule} are the pass's view of the jobs by
     * name and of the schedule by machine. Finished rollouts of global units are looked at only while their unit still
     * has pins (schedule entries) to clean up.
     */
    public void drive(Leadership leadership, Map<String, Job> jobs, Map<String, List<ScheduledUnit>> schedule) {
        nextDeadline = Optional.empty();
        List<Rollout> open = registry.rollouts().values().stream()
                .filter(r -> !r.isFinished() || !pins(r, schedule).isEmpty()).toList();
        if (open.isEmpty()) return;
        Map<String, UnitState> states = new HashMap<>();
        for (UnitState s : registry.unitStates()) states.put(RolloutPlanner.stateKey(s.name(), s.machineId()), s);
        Instant now = clock.instant();
        for (Rollout r : open) {
            Map<String, Job> covered = new HashMap<>();
            jobs.forEach((name, job) -> {
                if (r.spec().covers(name)) covered.put(name, job);
            });
            RolloutPlan plan = planner.plan(r, covered, states, pins(r, schedule), now);
            if (plan.changed()) {
                registry.putRolloutStatus(leadership, plan.status());
                RolloutStatus s = plan.status();
                if (r.status().map(b -> b.phase() != s.phase() || !b.message().equals(s.message())).orElse(true)) {
                    log.info("engine: rollout of {} ({}): {}", s.unit(), s.phase().wireName(), s.message());
                }
            }
            for (RolloutPlan.FileChange f : plan.files()) apply(covered.get(f.job()), f);
            if (!plan.pins().isEmpty()) pin(leadership, covered.get(r.spec().unit()), plan.pins());
            planner.nextDeadline(r.spec(), plan.status()).ifPresent(this::earliest);
        }
    }

    private void apply(Job job, RolloutPlan.FileChange f) {
        Optional<UnitFile> file = registry.unitFile(f.hash());
        if (file.isEmpty()) {
            log.warn("engine: {}: unit file {} is missing from the registry; not changing {}", f.reason(), f.hash(), f.job());
            return;
        }
        log.info("engine: {}", f.reason());
        try {
            registry.replaceJob(f.job(), file.get(), job.desiredState());
        } catch (NoSuchUnitException e) {
            log.info("engine: {} was destroyed meanwhile; the rollout skips it", f.job());
        }
    }

    /** A global unit's copies pinned to a file: its schedule entries, by machine (none for a template). */
    private static Map<String, String> pins(Rollout r, Map<String, List<ScheduledUnit>> schedule) {
        if (r.spec().ofTemplate()) return Map.of();
        Map<String, String> out = new HashMap<>();
        schedule.forEach((machine, entries) -> entries.stream().filter(e -> e.name().equals(r.spec().unit()))
                .forEach(e -> out.put(machine, e.unitHash())));
        return out;
    }

    private void pin(Leadership leadership, Job job, List<RolloutPlan.Pin> pins) {
        if (job == null) return;   // the global unit was destroyed: the engine drops its entries
        List<ScheduleChange> changes = new ArrayList<>();
        for (RolloutPlan.Pin p : pins) {
            log.info("engine: {}", p.reason());
            changes.add(p.hash().isPresent()
                    ? ScheduleChange.assign(job.name(), p.machine(), p.hash().get(), job.desiredState(), p.reason())
                    : ScheduleChange.unassign(job.name(), p.machine(), p.reason()));
        }
        registry.applySchedule(leadership, changes);
    }

    private void earliest(Instant t) {
        if (nextDeadline.isEmpty() || t.isBefore(nextDeadline.get())) nextDeadline = Optional.of(t);
    }

    /** How long until a pass must run for a rollout even without an event (an instance's min-healthy time ends). */
    public Optional<Duration> untilNextDeadline() {
        return nextDeadline.map(t -> {
            Duration d = Duration.between(clock.instant(), t);
            return d.isNegative() ? Duration.ZERO : d;
        });
    }
}
