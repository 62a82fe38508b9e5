package org.fleetj.fleetd.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fleetj.api.MachineIds;
import org.fleetj.fleetd.machine.SnapshotMachines;
import org.fleetj.registry.Job;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.scheduler.ClusterSnapshot;
import org.fleetj.scheduler.Machine;
import org.fleetj.scheduler.Plan;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.scheduler.Task;
import org.fleetj.scheduler.UnitSpec;
import org.fleetj.scheduler.Unplaced;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine pass: read the registry, ask the scheduler for a plan, add the bookkeeping the scheduler
 * does not know about (copy desired state and unit hash into schedule entries, drop entries of destroyed
 * units), and write it all fenced by leadership. Every change is logged with its reason.
 */
public final class EngineReconciler {
    private static final Logger log = LoggerFactory.getLogger(EngineReconciler.class);

    private final Registry registry;
    private final Scheduler scheduler;
    private final EngineStats stats;
    private final RequirementsCache requirements = new RequirementsCache();
    private final WaitReasons waitReasons;
    /** Last reason logged per unplaced unit, so a unit that cannot be placed is reported once, not every pass. */
    private final Map<String, String> reportedUnplaced = new HashMap<>();
    private final Set<String> reportedInvalid = new HashSet<>();
    /** Units whose record cannot be read, reported once each (until readable again). */
    private final Set<String> reportedUnreadable = new HashSet<>();

    private final MachineLossGrace lossGrace;
    private final FailureRecovery failureRecovery;
    private final org.fleetj.fleetd.rollout.RolloutDriver rollouts;
    /** The jobs of the last {@link #decide}, by name, for the rollout driver. */
    private Map<String, Job> lastJobs = Map.of();
    private Map<String, List<ScheduledUnit>> lastSchedule = Map.of();
    /** Machines reported as waiting for, so the log says it once per disappearance. */
    private final Set<String> reportedWaiting = new HashSet<>();

    /** An engine that moves units off a vanished machine at once (tests of placement logic). */
    public EngineReconciler(Registry registry, Scheduler scheduler, EngineStats stats) {
        this(registry, scheduler, stats, Duration.ZERO);
    }

    /**
     * @param machineLossGrace how long a machine may be missing before its units are moved (see {@link MachineLossGrace})
     */
    public EngineReconciler(Registry registry, Scheduler scheduler, EngineStats stats, Duration machineLossGrace) {
        this(registry, scheduler, stats, machineLossGrace, System::nanoTime);
    }

    EngineReconciler(Registry registry, Scheduler scheduler, EngineStats stats, Duration machineLossGrace,
                     java.util.function.LongSupplier nanoClock) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.stats = stats;
        this.lossGrace = new MachineLossGrace(machineLossGrace, nanoClock);
        this.waitReasons = new WaitReasons(registry);
        this.failureRecovery = new FailureRecovery(registry, scheduler, java.time.Clock.systemUTC());
        this.rollouts = new org.fleetj.fleetd.rollout.RolloutDriver(registry, java.time.Clock.systemUTC());
    }

    /** When a pass must run even without an event: a missing machine's grace period ends. */
    Optional<Duration> nextDeadline() {
        Optional<Duration> grace = lossGrace.nextExpiry();
        Optional<Duration> rollout = rollouts.untilNextDeadline();
        if (grace.isEmpty()) return rollout;
        if (rollout.isEmpty()) return grace;
        return Optional.of(grace.get().compareTo(rollout.get()) <= 0 ? grace.get() : rollout.get());
    }

    void leaderStarted() {
        lossGrace.lostSight();
        reportedWaiting.clear();
        stats.leaderStarted();
        reportedUnplaced.clear();
        reportedInvalid.clear();
        reportedUnreadable.clear();
        waitReasons.leaderStarted();
    }

    /** Runs one pass; returns the changes written (empty when the cluster was already right). */
    public List<ScheduleChange> reconcile(Leadership leadership) {
        long started = System.nanoTime();
        try {
            List<ScheduleChange> changes = decide();
            apply(leadership, changes);
            waitReasons.publish();
            failureRecovery.commit(leadership);
            rollouts.drive(leadership, lastJobs, lastSchedule);
            stats.reconciled(System.nanoTime() - started, changes);
            return changes;
        } catch (RuntimeException e) {
            lossGrace.lostSight();
            stats.reconcileFailed();
            throw e;
        }
    }

    List<ScheduleChange> decide() {
        // a job whose record cannot be read is not a destroyed job: its schedule entries stay as they are
        Map<String, String> unreadable = new HashMap<>();
        List<Job> jobs = registry.jobs(r -> unreadable.put(r.name(), r.reason()));
        reportedUnreadable.retainAll(unreadable.keySet());
        List<MachineState> machines = registry.machines();
        List<UnreadableRecord> unreadableEntries = new ArrayList<>();
        Map<String, List<ScheduledUnit>> schedule = registry.schedule(unreadableEntries::add);

        Set<String> live = new HashSet<>();
        machines.forEach(m -> live.add(m.id()));
        Map<String, org.fleetj.registry.JobResult> finished = FinishedJobs.withoutLiveMachine(registry, jobs, live);

        Map<String, Job> jobsByName = new HashMap<>(jobs.size() * 2);
        List<UnitSpec> specs = new ArrayList<>(jobs.size());
        Map<String, XFleet> xfleetByName = new HashMap<>(jobs.size() * 2);
        for (Job job : jobs) {
            jobsByName.put(job.name(), job);
            if (finished.containsKey(job.name())) continue; // a finished job is not placed again
            XFleet x;
            try {
                x = requirements.requirements(job.name(), job.unit());
                reportedInvalid.remove(job.name());
            } catch (UnitParseException e) {
                // Validated at submission, so this only happens with data written around the API.
                if (reportedInvalid.add(job.name())) {
                    log.warn("engine: not scheduling {}: its [X-Fleet] section is invalid: {}", job.name(), e.getMessage());
                }
                continue;
            }
            specs.add(new UnitSpec(job.name(), x, job.desiredState(), job.targetMachine()));
            xfleetByName.put(job.name(), x);
        }
        requirements.retainOnly(jobsByName.keySet());
        lastJobs = jobsByName;
        lastSchedule = schedule;

        List<Machine> snapshotMachines = new ArrayList<>(machines.size());
        for (MachineState m : machines) {
            snapshotMachines.add(SnapshotMachines.of(m));
        }
        Plan plan = scheduler.plan(ClusterSnapshot.of(snapshotMachines, specs));
        reportUnplaced(plan.unplaced());
        waitReasons.observe(plan.unplaced());
        Set<String> waiting = lossGrace.observe(live, nonEmpty(schedule));
        reportWaiting(waiting, schedule);

        List<ScheduleChange> changes = new ArrayList<>();
        Set<String> touched = new HashSet<>(finished.keySet());
        for (Map.Entry<String, org.fleetj.registry.JobResult> f : finished.entrySet()) {
            Optional<String> gone = jobsByName.get(f.getKey()).targetMachine().filter(m -> !waiting.contains(m));
            gone.ifPresent(m -> changes.add(ScheduleChange.unassign(f.getKey(), m, "job finished ("
                    + f.getValue().describe() + ") and its machine left: it does not run again")));
        }
        for (Task t : plan.tasks()) {
            Job job = jobsByName.get(t.unit());
            touched.add(t.unit());
            if (holdsBack(t, waiting, jobsByName, xfleetByName)) continue;
            switch (t.kind()) {
                case SCHEDULE -> changes.add(assign(job, t.machine(), t.reason()));
                case UNSCHEDULE -> changes.add(ScheduleChange.unassign(t.unit(), t.machine(), t.reason()));
                case RESCHEDULE -> {
                    changes.add(ScheduleChange.unassign(t.unit(), t.from().orElseThrow(), t.reason()));
                    changes.add(assign(job, t.machine(), t.reason()));
                }
            }
        }
        // Bookkeeping the scheduler does not see: entries must carry the job's current desired state and
        // hash (that is how a `fleetctl start` reaches exactly one agent), and entries of destroyed jobs go.
        for (Map.Entry<String, List<ScheduledUnit>> e : schedule.entrySet()) {
            String machineId = e.getKey();
            for (ScheduledUnit entry : e.getValue()) {
                if (touched.contains(entry.name())) continue;
                Job job = jobsByName.get(entry.name());
                if (job == null && unreadable.containsKey(entry.name())) {
                    if (reportedUnreadable.add(entry.name())) {
                        log.warn("engine: leaving {} on {} as it is: {}; it is neither scheduled nor stopped until its record "
                                + "is written again or the unit destroyed", entry.name(), machineId, unreadable.get(entry.name()));
                    }
                } else if (job == null) {
                    changes.add(ScheduleChange.unassign(entry.name(), machineId, "unit was destroyed"));
                } else if (job.targetMachine().map(machineId::equals).orElse(false)
                        && job.desiredState() != TargetState.INACTIVE) {
                    if (job.desiredState() != entry.desiredState()) {
                        changes.add(assign(job, machineId, "desired state is now " + job.desiredState().wireName()));
                    } else if (!job.unitHash().equals(entry.unitHash())) {
                        changes.add(assign(job, machineId, "unit file replaced (" + shortHash(entry.unitHash()) + " -> " + shortHash(job.unitHash()) + ")"));
                    }
                }
            }
        }
        // An entry whose value cannot be read still names its unit and machine (its key): it is written again from
        // its job, or removed with its destroyed job, so the agent (which keeps the unit as it is meanwhile) learns.
        for (UnreadableRecord bad : unreadableEntries) {
            if (touched.contains(bad.name()) || unreadable.containsKey(bad.name())) continue;
            Job job = jobsByName.get(bad.name());
            if (job == null) {
                changes.add(ScheduleChange.unassign(bad.name(), bad.machine(), "unit was destroyed (its schedule entry could not be read)"));
            } else if (job.targetMachine().map(bad.machine()::equals).orElse(false) && job.desiredState() != TargetState.INACTIVE) {
                changes.add(assign(job, bad.machine(), "its schedule entry could not be read; written again"));
            } else {
                changes.add(ScheduleChange.unassign(bad.name(), bad.machine(), "its schedule entry could not be read and the unit is not scheduled there"));
            }
        }
        return failureRecovery.review(new FailureRecovery.Pass(jobsByName, specs, snapshotMachines, schedule), changes);
    }

    /**
     * Whether a task must wait for a missing machine's grace to end: it moves a unit off that machine, or places
     * a unit next to (MachineOf) a unit that is still assigned there.
     */
    private static boolean holdsBack(Task t, Set<String> waiting, Map<String, Job> jobsByName, Map<String, XFleet> xfleetByName) {
        if (waiting.isEmpty()) return false;
        String leaving = switch (t.kind()) {
            case UNSCHEDULE -> t.machine();
            case RESCHEDULE -> t.from().orElseThrow();
            case SCHEDULE -> null;
        };
        if (leaving != null && waiting.contains(leaving)) return true;
        XFleet x = xfleetByName.get(t.unit());
        if (x == null || t.kind() == Task.Kind.UNSCHEDULE) return false;
        for (String peer : x.machineOf()) {
            Job p = jobsByName.get(peer);
            if (p != null && p.targetMachine().map(waiting::contains).orElse(false)) return true;
        }
        return false;
    }

    private static Set<String> nonEmpty(Map<String, List<ScheduledUnit>> schedule) {
        Set<String> ids = new HashSet<>();
        schedule.forEach((id, entries) -> {
            if (!entries.isEmpty()) ids.add(id);
        });
        return ids;
    }

    private void reportWaiting(Set<String> waiting, Map<String, List<ScheduledUnit>> schedule) {
        for (String id : waiting) {
            if (reportedWaiting.add(id)) {
                log.warn("engine: machine {} is missing from the registry; its {} unit(s) stay assigned to it for {} ms in case it"
                        + " is only re-announcing itself (after that they are placed elsewhere)", shortId(id),
                        schedule.getOrDefault(id, List.of()).size(), lossGrace.grace().toMillis());
            }
        }
        reportedWaiting.retainAll(waiting);
    }

    private static ScheduleChange assign(Job job, String machineId, String reason) {
        return ScheduleChange.assign(job.name(), machineId, job.unitHash(), job.desiredState(), reason);
    }

    private void apply(Leadership leadership, List<ScheduleChange> changes) {
        if (changes.isEmpty()) return;
        for (ScheduleChange c : changes) {
            log.info("engine: {} {} {} {}: {}", c.kind() == ScheduleChange.Kind.ASSIGN ? "assign" : "unassign", c.unit(),
                    c.kind() == ScheduleChange.Kind.ASSIGN ? "to" : "from", shortId(c.machineId()), c.reason());
        }
        for (List<ScheduleChange> txn : ScheduleTransactions.of(changes)) registry.applySchedule(leadership, txn);
    }

    private void reportUnplaced(List<Unplaced> unplaced) {
        Set<String> now = new HashSet<>();
        for (Unplaced u : unplaced) {
            now.add(u.unit());
            if (!u.reason().equals(reportedUnplaced.get(u.unit()))) {
                log.info("engine: cannot place {} now: {}", u.unit(), u.reason());
                reportedUnplaced.put(u.unit(), u.reason());
            }
        }
        reportedUnplaced.keySet().retainAll(now);
    }

    private static String shortId(String id) {
        return MachineIds.shortId(id);
    }

    private static String shortHash(String h) {
        return h.length() > 7 ? h.substring(0, 7) : h;
    }

    /** Exposed for tests and the state dump. */
    Optional<String> lastUnplacedReason(String unit) {
        return Optional.ofNullable(reportedUnplaced.get(unit));
    }
}
