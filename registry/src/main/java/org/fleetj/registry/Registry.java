package org.fleetj.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * The cluster's shared state: the one seam between fleet's parts and its storage. Two implementations
 * pass one contract suite: {@code EtcdRegistry} (etcd v3 through jetcd) and {@code InMemoryRegistry}
 * (fast logic tests; it lives in the registry's test jar).
 *
 * <p>Who writes what: users (API / fleetctl) write jobs and their desired state; only the elected
 * engine writes the schedule, fenced by its {@link Leadership}; each agent writes its own presence and
 * unit states under its presence lease.
 *
 * <p>Failures are unchecked {@link RegistryException}s; {@link RegistryUnavailableException} means the
 * store could not be reached (callers retry, and never stop units because of it).
 */
public interface Registry extends AutoCloseable {

    // ---- unit files -----------------------------------------------------------------------

    /** The unit file stored under that hash (40 hex), if any. */
    Optional<UnitFile> unitFile(String hash);

    /**
     * The unit files stored under these hashes, by hash; hashes without a file are left out. One request for
     * many (an agent handed a hundred new units fetches their files at once, not one by one).
     */
    Map<String, UnitFile> unitFiles(java.util.Collection<String> hashes);

    // ---- jobs (written by users) ----------------------------------------------------------

    /** Creates job {@code name}: stores the file by hash and the job, atomically. Fails if the name exists. */
    void createJob(String name, UnitFile unit, TargetState desired) throws UnitExistsException;

    /** Replaces the file of an existing job (fleetctl --replace), keeping its placement; the engine refreshes the schedule. */
    void replaceJob(String name, UnitFile unit, TargetState desired) throws NoSuchUnitException;

    /** Sets the desired state; false when there is no such job. */
    boolean setDesiredState(String name, TargetState desired);

    /**
     * Removes the job, its global index entry and its job result (beyond fleet); false when absent. Its schedule entries stay until the
     * engine (the only writer of the schedule) unassigns them: the engine sees them in {@link #schedule()}.
     */
    boolean destroyJob(String name);

    Optional<Job> job(String name);

    /** All jobs, sorted by name, with their current placement. */
    List<Job> jobs();

    /**
     * {@link #jobs()}, and each job that was skipped because its record or its unit file cannot be read reported to
     * {@code unreadable} (the in-memory registry holds nothing unreadable).
     */
    default List<Job> jobs(java.util.function.Consumer<UnreadableRecord> unreadable) {
        return jobs();
    }

    /**
     * The names of all jobs, sorted, read without their records (a job whose record cannot be read is named too).
     * A listing served a page at a time (fleet's {@code GET /units}) finds a page's units with it and then reads only
     * those ({@link #jobs(java.util.Collection, java.util.function.Consumer)}), so that a page costs what it shows.
     */
    List<String> jobNames();

    /**
     * The jobs of these names, sorted by name, with their current placement; a name without a job is left out, and a
     * job that cannot be read is reported to {@code unreadable} and left out.
     */
    List<Job> jobs(java.util.Collection<String> names, java.util.function.Consumer<UnreadableRecord> unreadable);

    // ---- machines ---------------------------------------------------------------------------

    /**
     * Announces this machine under a lease of {@code ttl}, kept alive until the presence is closed.
     * Refuses with {@link DuplicateMachineException} when another live fleetd already announced the same id
     * (a restart of this very fleetd, same IP and hostname, takes its old entry over).
     */
    MachinePresence join(MachineState self, String hostname, Duration ttl) throws DuplicateMachineException;

    /** Live machines, sorted by id, with dynamic metadata merged over their own. */
    List<MachineState> machines();

    /** {@link #machines()}, and each machine skipped because its record cannot be read reported to {@code unreadable}. */
    default List<MachineState> machines(java.util.function.Consumer<UnreadableRecord> unreadable) {
        return machines();
    }

    /** Dynamic metadata (API PATCH). A null value deletes the key. Persists across leave and rejoin. */
    void setMachineMetadata(String machineId, String key, String value);

    /** Dynamic metadata of every machine that has some (live or not). */
    Map<String, Map<String, String>> machineMetadata();

    /**
     * Cordons, drains or uncordons a machine (live or not; persists across leave and rejoin). Wakes
     * {@link #watchCluster} and {@link #watchGlobalJobs}; {@link #machines()} carries it.
     */
    void setMachineAvailability(String machineId, MachineAvailability availability);

    // ---- why units wait (written by the engine) ----------------------------------------------

    /**
     * Publishes why units wait: a reason per unit name; a null reason removes the unit's entry. The engine
     * writes only what changed since its last publication.
     */
    void publishWaitReasons(Map<String, String> changes);

    /** The published reason of every unit that waits, by unit name. */
    Map<String, String> waitReasons();

    // ---- unit states (written by agents) -----------------------------------------------------

    void publishUnitState(MachinePresence presence, UnitState state);

    /**
     * Publishes several unit states of one machine; the etcd registry writes them in few transactions instead of
     * one request each (an agent starting hundreds of units otherwise spent seconds publishing their states one
     * after another). On failure some of them may have been written; publishing them again is harmless.
     */
    default void publishUnitStates(MachinePresence presence, List<UnitState> states) {
        for (UnitState state : states) publishUnitState(presence, state);
    }

    void removeUnitState(MachinePresence presence, String unitName);

    /** Every published unit state, sorted by unit name then machine id. */
    List<UnitState> unitStates();

    /** {@link #unitStates()}, and each state skipped because it cannot be read reported to {@code unreadable}. */
    default List<UnitState> unitStates(java.util.function.Consumer<UnreadableRecord> unreadable) {
        return unitStates();
    }

    /** The published states of these units only (every machine's), sorted by unit name then machine id. */
    List<UnitState> unitStates(java.util.Collection<String> units);

    /**
     * Which machines publish a state of each unit, read without the states (a state that cannot be read is named too):
     * unit name to machine ids, both sorted. A listing of states served a page at a time (fleet's {@code GET /state})
     * finds a page's states with it and then reads only those ({@link #unitStates(java.util.Collection)}).
     */
    java.util.SortedMap<String, List<String>> unitStateMachines();

    // ---- schedule ---------------------------------------------------------------------------

    /** A latch to take part in the engine election for {@code machineId}; not started. */
    LeaderLatch leaderLatch(String machineId, Duration ttl);

    /** The machine id of the current engine leader, if any. */
    Optional<String> engineLeader();

    /**
     * Applies the engine's changes atomically, guarded by its leadership: a deposed engine's write fails
     * with {@link LeadershipLostException} and changes nothing.
     */
    void applySchedule(Leadership leadership, List<ScheduleChange> changes) throws LeadershipLostException;

    /** The schedule of one machine (what its agent must run), sorted by unit name. */
    List<ScheduledUnit> scheduleOf(String machineId);

    /**
     * {@link #scheduleOf(String)}, and each entry skipped because its value cannot be read reported to
     * {@code unreadable} (its key still names the unit: the agent keeps that unit as it is).
     */
    default List<ScheduledUnit> scheduleOf(String machineId, java.util.function.Consumer<UnreadableRecord> unreadable) {
        return scheduleOf(machineId);
    }

    /**
     * The whole schedule by machine id (sorted), including entries of machines that are gone and of jobs
     * that were destroyed: the engine's view for cleaning those up.
     */
    Map<String, List<ScheduledUnit>> schedule();

    /**
     * {@link #schedule()}, and each entry whose value cannot be read reported to {@code unreadable} with its unit and
     * machine (from its key): the engine writes such an entry again, or removes it when its unit was destroyed.
     */
    default Map<String, List<ScheduledUnit>> schedule(java.util.function.Consumer<UnreadableRecord> unreadable) {
        return schedule();
    }

    /** Jobs whose unit has {@code Global=true}, sorted by name (agents place these themselves). */
    List<Job> globalJobs();

    /** {@link #globalJobs()}, and each global job skipped because it cannot be read reported to {@code unreadable}. */
    default List<Job> globalJobs(java.util.function.Consumer<UnreadableRecord> unreadable) {
        return globalJobs();
    }

    // ---- failure policy (beyond fleet; engine-written, fenced) --------------------------------

    /** The failure records of units with a failure policy, by unit name (sorted). */
    Map<String, UnitFailures> unitFailures();

    /** Writes (replaces) a unit's failure record, guarded by the engine's leadership. */
    void putUnitFailures(Leadership leadership, UnitFailures failures) throws LeadershipLostException;

    /** Removes a unit's failure record (its job was destroyed), guarded by the engine's leadership. */
    void removeUnitFailures(Leadership leadership, String unit) throws LeadershipLostException;

    // ---- rollouts (beyond fleet; spec user-written, status engine-written and fenced) ---------

    /**
     * Starts a rollout: stores the new unit file by hash and the spec, atomically. Refused with
     * {@link RolloutInProgressException} while an earlier rollout of the same unit has not finished.
     */
    void startRollout(RolloutSpec spec, org.fleetj.unit.UnitFile newUnit) throws RolloutInProgressException;

    /** Pauses, resumes or aborts the unit's rollout (the user's side); false when it has none. */
    boolean setRolloutControl(String unit, RolloutSpec.Control control);

    /** Every rollout, finished ones included, by unit (sorted). */
    Map<String, Rollout> rollouts();

    /** Writes the engine's account of a rollout, guarded by its leadership. */
    void putRolloutStatus(Leadership leadership, RolloutStatus status) throws LeadershipLostException;

    // ---- one-shot jobs (beyond fleet; written by the agent the job ran on) ------------------------

    /** How every finished one-shot job ({@code [X-Fleet] Job=true}) ended, by unit name (sorted). */
    Map<String, JobResult> jobResults();

    /** How one job ended, if it has finished (check {@link JobResult#isFor} against its current file). */
    Optional<JobResult> jobResult(String unit);

    /**
     * Records how a job ended (replacing an earlier result), only while the job exists: false, and nothing written,
     * when it was destroyed meanwhile. Not under any lease: a result outlives its machine. {@link #destroyJob}
     * removes it.
     */
    boolean putJobResult(JobResult result);

    // ---- watches ----------------------------------------------------------------------------
    // Level-triggered: the callback means "re-read"; it runs on a registry thread, must not block long,
    // and is called again after a reconnect. Watches resume from the last revision seen, so nothing is missed.

    /** Wakes only when {@code machineId}'s schedule changes (a decision wakes one agent, not all). */
    Subscription watchSchedule(String machineId, Runnable onChange);

    /**
     * Wakes when a global job is created, changed or destroyed, and when any machine's dynamic metadata changes
     * (which global units a machine runs depends on it).
     */
    Subscription watchGlobalJobs(Runnable onChange);

    /**
     * Wakes when anything the engine decides on changes: jobs (created, destroyed, desired state, file),
     * machines (join, leave, re-announce), dynamic machine metadata and rollout specs. Not unit states, which agents publish
     * all the time and the engine does not read, and not the schedule, which only the engine writes: at
     * 10,000 units the engine would otherwise re-read the cluster after every state an agent publishes.
     */
    Subscription watchCluster(Runnable onChange);

    /** Requests this registry made to its store, per operation type. */
    RegistryMetrics metrics();

    @Override
    void close();
}
