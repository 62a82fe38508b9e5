package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.Job;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.RegistryMetrics;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.Subscription;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.UnreadableRecord;
import java.util.function.Consumer;
import org.fleetj.registry.support.CoalescingNotifier;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Registry} on etcd v3 (through jetcd), in the key layout of docs/design.md under the configured
 * prefix. {@link #open(EtcdConfig)} never waits for etcd: calls fail with
 * {@link org.fleetj.registry.RegistryUnavailableException} while it cannot be reached, and presences, leader
 * latches and watches keep retrying in the background and recover by themselves.
 *
 * <p>Reads of whole collections are one request each ({@code jobs()}: jobs and schedule keys at one
 * revision; {@code machines()}: machines and metadata at one revision); unit bodies are immutable and read
 * once. Every request is counted in {@link #metrics()}.
 *
 * <p>{@link #close()} resigns the leader latches of this client, stops the keepalives of its presences
 * without revoking them (a restarted fleetd takes its registration over; close the presence to leave), and
 * ends its watches.
 */
public final class EtcdRegistry implements Registry {
    private static final Logger log = LoggerFactory.getLogger(EtcdRegistry.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final EtcdConfig config;
    private final RegistryMetrics metrics = new RegistryMetrics();
    private final UnreadableRecords unreadable;
    private final UnitStateStore unitStates;
    private final EtcdRuntime rt;
    private final EtcdKv kv;
    private final UnitBodies bodies;
    private final JobStore jobs;
    private final DesiredStateWrites desiredStates;
    private final JobCreates creates;
    private final ScheduleStore schedule;
    private final FailureStore failures;
    private final RolloutStore rollouts;
    private final JobResultStore jobResults;
    private final MachineDirectory machines;
    private final WaitReasonStore waitReasons;
    private final Set<EtcdPresence> presences = ConcurrentHashMap.newKeySet();
    private final Set<EtcdLeaderLatch> latches = ConcurrentHashMap.newKeySet();
    private final Set<ResumableWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private EtcdRegistry(EtcdConfig config) {
        this.config = config;
        int n = INSTANCES.incrementAndGet();
        EtcdGateway gateway = new EtcdGateway(config, metrics);
        this.rt = EtcdRuntime.start(gateway, new EtcdKeys(config.keyPrefix()), "etcd-registry-" + n);
        this.kv = new EtcdKv(gateway);
        this.unreadable = new UnreadableRecords(metrics);
        this.unitStates = new UnitStateStore(kv, rt.keys(), unreadable);
        this.bodies = new UnitBodies(kv, rt.keys(), unreadable);
        this.jobs = new JobStore(kv, rt.keys(), bodies, unreadable);
        this.desiredStates = new DesiredStateWrites(kv, rt.keys(), rt.timers(), EtcdKv.MAX_TXN_OPS);
        this.creates = new JobCreates(kv, rt.keys(), bodies, rt.timers(), EtcdKv.MAX_TXN_OPS);
        this.schedule = new ScheduleStore(kv, rt.keys(), EtcdKv.MAX_TXN_OPS, unreadable);
        this.machines = new MachineDirectory(rt, kv, unreadable);
        this.waitReasons = new WaitReasonStore(rt, kv);
        this.failures = new FailureStore(kv, rt.keys());
        this.rollouts = new RolloutStore(kv, rt.keys(), bodies);
        this.jobResults = new JobResultStore(kv, rt.keys(), unreadable);
    }

    /** A registry on the etcd of {@code config}. Does not contact etcd (so it works while etcd is down). */
    public static EtcdRegistry open(EtcdConfig config) {
        Objects.requireNonNull(config, "config");
        EtcdRegistry r = new EtcdRegistry(config);
        log.info("etcd registry: endpoints {}, key prefix {}, request timeout {} ms{}{}", config.endpointList(), config.keyPrefix(),
                config.requestTimeout().toMillis(), config.tls() ? ", TLS" : "", config.username().map(u -> ", user " + u).orElse(""));
        return r;
    }

    public EtcdConfig config() {
        return config;
    }

    // ---- unit files and jobs -----------------------------------------------------------------

    @Override
    public Optional<UnitFile> unitFile(String hash) {
        if (hash == null || hash.isEmpty() || hash.indexOf('/') >= 0) {
            return Optional.empty();
        }
        return bodies.get(hash);
    }

    @Override
    public Map<String, UnitFile> unitFiles(java.util.Collection<String> hashes) {
        List<String> valid = hashes.stream().filter(h -> h != null && !h.isEmpty() && h.indexOf('/') < 0).distinct().toList();
        return valid.isEmpty() ? Map.of() : bodies.getAll(valid);
    }

    @Override
    public void createJob(String name, UnitFile unit, TargetState desired) {
        creates.create(name, unit, desired);
    }

    @Override
    public void replaceJob(String name, UnitFile unit, TargetState desired) {
        jobs.replace(name, unit, desired);
    }

    @Override
    public boolean setDesiredState(String name, TargetState desired) {
        return desiredStates.set(name, desired);
    }

    @Override
    public boolean destroyJob(String name) {
        return jobs.destroy(name);
    }

    @Override
    public Optional<Job> job(String name) {
        return jobs.job(name);
    }

    @Override
    public List<Job> jobs() {
        return jobs.jobs(UnreadableRecords.NOBODY);
    }

    @Override
    public List<Job> jobs(Consumer<UnreadableRecord> unreadableJobs) {
        return jobs.jobs(unreadableJobs);
    }

    @Override
    public List<String> jobNames() {
        return jobs.names();
    }

    @Override
    public List<Job> jobs(Collection<String> names, Consumer<UnreadableRecord> unreadableJobs) {
        return jobs.jobs(names, unreadableJobs);
    }

    @Override
    public List<Job> globalJobs() {
        return jobs.globalJobs(UnreadableRecords.NOBODY);
    }

    @Override
    public List<Job> globalJobs(Consumer<UnreadableRecord> unreadableJobs) {
        return jobs.globalJobs(unreadableJobs);
    }

    // ---- machines ---------------------------------------------------------------------------

    @Override
    public MachinePresence join(MachineState self, String hostname, Duration ttl) {
        Objects.requireNonNull(self, "self");
        NameRules.machineId(self.id());
        requirePositive(ttl);
        requireOpen();
        EtcdPresence p = EtcdPresence.join(rt, machines, self, hostname == null ? "" : hostname, ttl);
        presences.add(p);
        return p;
    }

    @Override
    public List<MachineState> machines() {
        return machines.machines(UnreadableRecords.NOBODY);
    }

    @Override
    public List<MachineState> machines(Consumer<UnreadableRecord> unreadableMachines) {
        return machines.machines(unreadableMachines);
    }

    @Override
    public void setMachineMetadata(String machineId, String key, String value) {
        machines.setMetadata(machineId, key, value);
    }

    @Override
    public Map<String, Map<String, String>> machineMetadata() {
        return machines.metadata();
    }

    @Override
    public void setMachineAvailability(String machineId, MachineAvailability availability) {
        machines.setAvailability(machineId, availability);
    }

    @Override
    public void publishWaitReasons(Map<String, String> changes) {
        waitReasons.publish(changes);
    }

    @Override
    public Map<String, String> waitReasons() {
        return waitReasons.read();
    }

    // ---- unit states ------------------------------------------------------------------------

    @Override
    public void publishUnitState(MachinePresence presence, UnitState state) {
        unitStates.publish(own(presence), state);
    }

    @Override
    public void publishUnitStates(MachinePresence presence, List<UnitState> states) {
        unitStates.publishAll(own(presence), states);
    }

    @Override
    public void removeUnitState(MachinePresence presence, String unitName) {
        unitStates.remove(own(presence), unitName);
    }

    @Override
    public List<UnitState> unitStates() {
        return unitStates(UnreadableRecords.NOBODY);
    }

    @Override
    public List<UnitState> unitStates(Consumer<UnreadableRecord> unreadableStates) {
        return unitStates.all(unreadableStates);
    }

    @Override
    public List<UnitState> unitStates(Collection<String> units) {
        return unitStates.of(units);
    }

    @Override
    public java.util.SortedMap<String, List<String>> unitStateMachines() {
        return unitStates.machinesByUnit();
    }

    private EtcdPresence own(MachinePresence presence) {
        if (presence instanceof EtcdPresence p && presences.contains(p)) {
            return p;
        }
        throw new IllegalArgumentException("presence " + presence + " was not created by this registry");
    }

    // ---- leadership and schedule --------------------------------------------------------

    @Override
    public LeaderLatch leaderLatch(String machineId, Duration ttl) {
        NameRules.machineId(machineId);
        requirePositive(ttl);
        requireOpen();
        EtcdLeaderLatch latch = new EtcdLeaderLatch(rt, kv, machineId, ttl);
        latches.add(latch);
        return latch;
    }

    @Override
    public Optional<String> engineLeader() {
        return kv.get(rt.keys().leader()).map(k -> EtcdKeys.text(k.getValue()));
    }

    @Override
    public void applySchedule(Leadership leadership, List<ScheduleChange> changes) {
        schedule.apply(leadership, changes);
    }

    @Override
    public List<ScheduledUnit> scheduleOf(String machineId) {
        return schedule.scheduleOf(machineId, UnreadableRecords.NOBODY);
    }

    @Override
    public List<ScheduledUnit> scheduleOf(String machineId, Consumer<UnreadableRecord> unreadableEntries) {
        return schedule.scheduleOf(machineId, unreadableEntries);
    }

    @Override
    public Map<String, List<ScheduledUnit>> schedule() {
        return schedule.schedule(UnreadableRecords.NOBODY);
    }

    @Override
    public Map<String, List<ScheduledUnit>> schedule(Consumer<UnreadableRecord> unreadableEntries) {
        return schedule.schedule(unreadableEntries);
    }

    // ---- failure policy ----------------------------------------------------------------------

    @Override
    public Map<String, UnitFailures> unitFailures() {
        return failures.all();
    }

    @Override
    public void putUnitFailures(Leadership leadership, UnitFailures f) {
        failures.put(leadership, f);
    }

    @Override
    public void removeUnitFailures(Leadership leadership, String unit) {
        failures.remove(leadership, unit);
    }

    // ---- rollouts ----------------------------------------------------------------------------

    @Override
    public void startRollout(org.fleetj.registry.RolloutSpec spec, UnitFile newUnit) {
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

    // ---- one-shot jobs ----------------------------------------------------------------------

    @Override
    public Map<String, org.fleetj.registry.JobResult> jobResults() {
        return jobResults.all();
    }

    @Override
    public Optional<org.fleetj.registry.JobResult> jobResult(String unit) {
        return jobResults.get(unit);
    }

    @Override
    public boolean putJobResult(org.fleetj.registry.JobResult result) {
        return jobResults.put(result);
    }

    // ---- watches ----------------------------------------------------------------------------

    @Override
    public Subscription watchSchedule(String machineId, Runnable onChange) {
        NameRules.machineId(machineId);
        return watch("schedule of " + machineId, onChange, rt.keys().scheduleOf(machineId));
    }

    @Override
    public Subscription watchGlobalJobs(Runnable onChange) {
        // which global units a machine runs also depends on its metadata, which the API may change
        return watch("global jobs", onChange, rt.keys().of(EtcdKeys.GLOBAL), rt.keys().of(EtcdKeys.MACHINE_META),
                rt.keys().of(EtcdKeys.MACHINE_CONTROL));
    }

    @Override
    public Subscription watchCluster(Runnable onChange) {
        return watch("cluster", onChange, rt.keys().of(EtcdKeys.JOB), rt.keys().of(EtcdKeys.MACHINE), rt.keys().of(EtcdKeys.MACHINE_META),
                rt.keys().of(EtcdKeys.MACHINE_CONTROL), rt.keys().of(EtcdKeys.ROLLOUT_SPEC));
    }

    /**
     * Watches every prefix and calls {@code onChange} through one coalescing notifier, so a change touching several
     * prefixes (a job and its global entry) wakes the caller once.
     */
    private Subscription watch(String name, Runnable onChange, ByteSequence... prefixes) {
        Objects.requireNonNull(onChange, "onChange");
        requireOpen();
        CoalescingNotifier notifier = new CoalescingNotifier(name, onChange, rt.callbacks());
        List<ResumableWatch> started = new ArrayList<>();
        for (ByteSequence prefix : prefixes) {
            String label = prefixes.length == 1 ? name : name + " (" + rt.keys().relative(prefix) + ")";
            ResumableWatch w = ResumableWatch.start(rt, prefix, true, label, notifier::signal, null);
            watches.add(w);
            started.add(w);
        }
        return () -> {
            notifier.close();
            for (ResumableWatch w : started) {
                w.close();
                watches.remove(w);
            }
        };
    }

    /** A watch that hands over every event (tests prove "no event missed, none twice" with it). */
    ResumableWatch watchEvents(String relativePrefix, Runnable onChange, ResumableWatch.EventSink sink) {
        requireOpen();
        ResumableWatch w = ResumableWatch.start(rt, rt.keys().of(relativePrefix), true, "events under " + relativePrefix, onChange, sink);
        watches.add(w);
        return w;
    }

    // ---- test hooks -------------------------------------------------------------------------

    /** The fleetd owning {@code presence} dies: keepalives stop, nothing is revoked, the lease expires on its own. */
    void crash(MachinePresence presence) {
        own(presence).abandon();
    }

    /** The engine candidate dies: no resign, no keepalives; a leadership it held ends when its lease expires. */
    void crash(LeaderLatch latch) {
        if (!(latch instanceof EtcdLeaderLatch l) || !latches.contains(l)) {
            throw new IllegalArgumentException("latch " + latch + " was not created by this registry");
        }
        l.abandon();
    }

    /** The id of the presence's current lease (tests revoke it through another client). */
    long leaseId(MachinePresence presence) {
        return own(presence).leaseFor("lease id");
    }

    EtcdGateway gateway() {
        return rt.gateway();
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private void requireOpen() {
        if (closed) {
            throw new RegistryException("the etcd registry for " + config.endpointList() + " is closed");
        }
    }

    private static void requirePositive(Duration ttl) {
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
    }

    @Override
    public RegistryMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        latches.forEach(EtcdLeaderLatch::close);
        presences.forEach(EtcdPresence::abandon);
        watches.forEach(ResumableWatch::close);
        rt.watchLoop().shutdown();
        rt.timers().shutdownNow();
        rt.callbacks().shutdown();
        try {
            rt.watchLoop().awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rt.gateway().close();
    }
}
