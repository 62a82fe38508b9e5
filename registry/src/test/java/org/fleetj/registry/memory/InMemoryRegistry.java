package org.fleetj.registry.memory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.registry.Job;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryMetrics;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.Subscription;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * A complete, thread-safe {@link Registry} in memory, for fast tests of the engine and agent logic. It
 * behaves like the etcd one: leases that live presences and leaders keep alive, lease expiry that removes
 * the machine, its unit states and its leadership, fenced schedule writes, and watches filtered by the same
 * key prefixes as in etcd, called back asynchronously on one registry thread.
 *
 * <p>This class only wires the parts, one per concern, all under one lock ({@link MemoryStore}): jobs and unit files
 * ({@link MemoryJobs}), the schedule ({@link MemorySchedule}), machines and presences ({@link MemoryMachines},
 * {@link MemoryMachineSettings}), unit states ({@link MemoryUnitStates}), the engine election and its fence
 * ({@link MemoryElection}), failure records and wait reasons ({@link MemoryUnitRecords}), leases
 * ({@link MemoryLeases}), watches ({@link MemoryWatches}) and fault injection ({@link MemoryFaults}).
 *
 * <p>Test hooks simulate what etcd tests do with real processes: {@link #setUnavailable(boolean)} (an
 * outage; leases not renewed meanwhile expire on the clock), {@link #expireMachine(String)} (a machine
 * dies), {@link #crash(MachinePresence)} / {@link #crash(LeaderLatch)} (one fleetd dies),
 * {@link #expireLease(MachinePresence)} (a lease lost while its fleetd lives on) and
 * {@link #expireLeadership()} (the leader stalls past its lease). Built on a {@link ManualClock},
 * time moves only when the test advances it.
 */
public final class InMemoryRegistry implements Registry {
    private final MemoryStore store;
    private final MemoryWatches watches;
    private final MemoryLeases leases;
    private final MemoryElection election;
    private final MemoryMachineSettings machineSettings;
    private final MemoryMachines machines;
    private final MemoryUnitStates unitStates;
    private final MemorySchedule schedule;
    private final MemoryJobs jobs;
    private final MemoryUnitRecords unitRecords;
    private final MemoryFaults faults;
    private final MemoryRollouts rollouts;

    /** A registry on the real clock: leases of stopped holders expire after their ttl in real time. */
    public InMemoryRegistry() {
        this(Clock.systemUTC());
    }

    public InMemoryRegistry(Clock clock) {
        store = new MemoryStore(clock);
        watches = new MemoryWatches(store);
        leases = new MemoryLeases(store);
        election = new MemoryElection(store, watches, leases);
        machineSettings = new MemoryMachineSettings(store, watches);
        machines = new MemoryMachines(store, watches, leases, election, machineSettings);
        unitStates = new MemoryUnitStates(store, watches, machines);
        schedule = new MemorySchedule(store, watches, election);
        jobs = new MemoryJobs(store, watches, schedule);
        unitRecords = new MemoryUnitRecords(store, watches, election);
        faults = new MemoryFaults(store, watches, leases, election, machines);
        rollouts = new MemoryRollouts(store, watches, election, jobs);

        // what a lease's end removes, in etcd's order: the machine, its unit states, a leadership, then the holders hear it
        leases.onEnd(machines::leaseEndedLocked);
        leases.onEnd(unitStates::leaseEndedLocked);
        leases.onEnd(election::leaseEndedLocked);
        leases.onEnd(machines::suspendHoldersLocked);
        leases.afterExpiry(election::electLocked);
        store.beforeEachRequest(leases::sweepLocked);
        leases.start();
    }

    // ---- test hooks -----------------------------------------------------------------------

    /**
     * Simulates an outage (true) and its end (false). While down every call throws
     * {@link org.fleetj.registry.RegistryUnavailableException}, presences and latches hear {@code suspended}, and
     * leases are not renewed, so they expire once their ttl passes on the clock. When it ends, presences whose lease
     * expired announce themselves again, every presence hears {@code rejoined}, surviving leaders hear
     * {@code isLeader} again, an election is held if nobody leads, and every watch fires.
     */
    public void setUnavailable(boolean down) {
        faults.setUnavailable(down);
    }

    /**
     * Simulates the death of machine {@code machineId}: its presence lease expires now (removing the machine
     * and its unit states), its presence never re-announces, and its engine candidates stop (a leadership
     * it held is gone).
     */
    public void expireMachine(String machineId) {
        faults.expireMachine(machineId);
    }

    /**
     * Simulates the sudden death of the fleetd that owns {@code presence} (not the machine: another
     * presence that took its registration over stays): its lease ends now and it never re-announces.
     */
    public void crash(MachinePresence presence) {
        faults.crash(presence);
    }

    /**
     * Simulates a lease lost while its fleetd lives on (it expired during a partition): the machine and its
     * unit states vanish, the presence hears {@code suspended}, announces itself again under a new lease and
     * hears {@code rejoined}.
     */
    public void expireLease(MachinePresence presence) {
        faults.expireLease(presence);
    }

    /** Simulates the sudden death of an engine candidate: its leadership (if any) ends and it never campaigns again. */
    public void crash(LeaderLatch latch) {
        faults.crash(latch);
    }

    /** Simulates a leader that stalled past its lease: the leader key expires, and the next candidate leads. */
    public void expireLeadership() {
        faults.expireLeadership();
    }

    // ---- unit files and jobs -----------------------------------------------------------------

    @Override
    public Optional<UnitFile> unitFile(String hash) {
        return jobs.unitFile(hash);
    }

    @Override
    public Map<String, UnitFile> unitFiles(Collection<String> hashes) {
        return jobs.unitFiles(hashes);
    }

    @Override
    public void createJob(String name, UnitFile unit, TargetState desired) {
        jobs.createJob(name, unit, desired);
    }

    @Override
    public void replaceJob(String name, UnitFile unit, TargetState desired) {
        jobs.replaceJob(name, unit, desired);
    }

    @Override
    public boolean setDesiredState(String name, TargetState desired) {
        return jobs.setDesiredState(name, desired);
    }

    @Override
    public boolean destroyJob(String name) {
        return jobs.destroyJob(name);
    }

    @Override
    public Optional<Job> job(String name) {
        return jobs.job(name);
    }

    @Override
    public List<Job> jobs() {
        return jobs.jobs();
    }

    @Override
    public List<String> jobNames() {
        return jobs.names();
    }

    @Override
    public List<Job> jobs(Collection<String> names, java.util.function.Consumer<org.fleetj.registry.UnreadableRecord> unreadable) {
        return jobs.jobs(names);
    }

    @Override
    public List<Job> globalJobs() {
        return jobs.globalJobs();
    }

    @Override
    public Map<String, org.fleetj.registry.JobResult> jobResults() {
        return jobs.jobResults();
    }

    @Override
    public Optional<org.fleetj.registry.JobResult> jobResult(String unit) {
        return jobs.jobResult(unit);
    }

    @Override
    public boolean putJobResult(org.fleetj.registry.JobResult result) {
        return jobs.putJobResult(result);
    }

    // ---- machines -------------------------------------------------------------------------

    @Override
    public MachinePresence join(MachineState self, String hostname, Duration ttl) {
        return machines.join(self, hostname, ttl);
    }

    @Override
    public List<MachineState> machines() {
        return machines.machines();
    }

    @Override
    public void setMachineMetadata(String machineId, String key, String value) {
        machineSettings.setMachineMetadata(machineId, key, value);
    }

    @Override
    public Map<String, Map<String, String>> machineMetadata() {
        return machineSettings.machineMetadata();
    }

    @Override
    public void setMachineAvailability(String machineId, MachineAvailability availability) {
        machineSettings.setMachineAvailability(machineId, availability);
    }

    // ---- unit states ------------------------------------------------------------------------

    @Override
    public void publishUnitState(MachinePresence presence, UnitState state) {
        unitStates.publishUnitState(presence, state);
    }

    @Override
    public void removeUnitState(MachinePresence presence, String unitName) {
        unitStates.removeUnitState(presence, unitName);
    }

    @Override
    public List<UnitState> unitStates() {
        return unitStates.unitStates();
    }

    @Override
    public List<UnitState> unitStates(Collection<String> units) {
        return unitStates.unitStates(units);
    }

    @Override
    public java.util.SortedMap<String, List<String>> unitStateMachines() {
        return unitStates.machinesByUnit();
    }

    // ---- leadership, schedule and the engine's records ----------------------------------------

    @Override
    public LeaderLatch leaderLatch(String machineId, Duration ttl) {
        return election.leaderLatch(machineId, ttl);
    }

    @Override
    public Optional<String> engineLeader() {
        return election.engineLeader();
    }

    @Override
    public void applySchedule(Leadership leadership, List<ScheduleChange> changes) {
        schedule.applySchedule(leadership, changes);
    }

    @Override
    public List<ScheduledUnit> scheduleOf(String machineId) {
        return schedule.scheduleOf(machineId);
    }

    @Override
    public Map<String, List<ScheduledUnit>> schedule() {
        return schedule.schedule();
    }

    @Override
    public Map<String, UnitFailures> unitFailures() {
        return unitRecords.unitFailures();
    }

    @Override
    public void putUnitFailures(Leadership leadership, UnitFailures failures) {
        unitRecords.putUnitFailures(leadership, failures);
    }

    @Override
    public void removeUnitFailures(Leadership leadership, String unit) {
        unitRecords.removeUnitFailures(leadership, unit);
    }

    // ---- rollouts ----------------------------------------------------------------------------

    @Override
    public void startRollout(org.fleetj.registry.RolloutSpec spec, org.fleetj.unit.UnitFile newUnit) {
        rollouts.start(spec, newUnit);
    }

    @Override
    public boolean setRolloutControl(String unit, org.fleetj.registry.RolloutSpec.Control control) {
        return rollouts.setControl(unit, control);
    }

    @Override
    public Map<String, org.fleetj.registry.Rollout> rollouts() {
        return rollouts.all();
    }

    @Override
    public void putRolloutStatus(Leadership leadership, org.fleetj.registry.RolloutStatus status) {
        rollouts.putStatus(leadership, status);
    }

    @Override
    public void publishWaitReasons(Map<String, String> changes) {
        unitRecords.publishWaitReasons(changes);
    }

    @Override
    public Map<String, String> waitReasons() {
        return unitRecords.waitReasons();
    }

    // ---- watches and lifecycle ----------------------------------------------------------------

    @Override
    public Subscription watchSchedule(String machineId, Runnable onChange) {
        return watches.watchSchedule(machineId, onChange);
    }

    @Override
    public Subscription watchGlobalJobs(Runnable onChange) {
        return watches.watchGlobalJobs(onChange);
    }

    @Override
    public Subscription watchCluster(Runnable onChange) {
        return watches.watchCluster(onChange);
    }

    @Override
    public RegistryMetrics metrics() {
        return store.metrics();
    }

    @Override
    public void close() {
        if (!store.markClosed()) {
            return;
        }
        leases.close();
        watches.closeAll();
        store.shutdown();
    }
}
