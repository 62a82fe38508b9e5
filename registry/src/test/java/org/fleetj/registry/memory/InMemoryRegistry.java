package org.fleetj.registry.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.fleetj.registry.DuplicateMachineException;
import org.fleetj.registry.Job;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.LeadershipLostException;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.NoSuchUnitException;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.RegistryMetrics;
import org.fleetj.registry.RegistryUnavailableException;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.Subscription;
import org.fleetj.registry.UnitExistsException;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.support.CoalescingNotifier;
import org.fleetj.registry.support.GlobalUnits;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete, thread-safe {@link Registry} in memory, for fast tests of the engine and agent logic. It
 * behaves like the etcd one: leases that live presences and leaders keep alive, lease expiry that removes
 * the machine, its unit states and its leadership, fenced schedule writes, and watches filtered by the same
 * key prefixes as in etcd, called back asynchronously on one registry thread.
 *
 * <p>Test hooks simulate what etcd tests do with real processes: {@link #setUnavailable(boolean)} (an
 * outage; leases not renewed meanwhile expire on the clock), {@link #expireMachine(String)} (a machine
 * dies), {@link #crash(MachinePresence)} / {@link #crash(LeaderLatch)} (one fleetd dies),
 * {@link #expireLease(MachinePresence)} (a lease lost while its fleetd lives on) and
 * {@link #expireLeadership()} (the leader stalls past its lease). Built on a {@link ManualClock},
 * time moves only when the test advances it.
 */
public final class InMemoryRegistry implements Registry {
    private static final Logger log = LoggerFactory.getLogger(InMemoryRegistry.class);
    private static final long SWEEP_MILLIS = 50;

    private record JobEntry(String hash, TargetState desired, boolean global) {
    }

    private record MachineEntry(MachineState state, String hostname, long leaseId) {
    }

    private record StateEntry(UnitState state, long leaseId) {
    }

    private record LeaderEntry(Leadership leadership, long leaseId, MemoryLeaderLatch latch) {
    }

    private record Watch(String prefix, CoalescingNotifier notifier) {
    }

    private static final class Lease {
        final long id;
        final Duration ttl;
        Instant expiresAt;
        boolean keptAlive = true;

        Lease(long id, Duration ttl, Instant now) {
            this.id = id;
            this.ttl = ttl;
            this.expiresAt = now.plus(ttl);
        }
    }

    private final Clock clock;
    private final RegistryMetrics metrics = new RegistryMetrics();
    private final ExecutorService callbacks;
    private final ScheduledExecutorService sweeper;
    private final Runnable sweepOnAdvance = this::sweep;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();

    // everything below is guarded by this
    private long revision;
    private long nextLeaseId = 1;
    private boolean unavailable;
    private boolean closed;
    private final Map<String, UnitFile> units = new HashMap<>();
    private final TreeMap<String, JobEntry> jobs = new TreeMap<>();
    private final TreeMap<String, TreeMap<String, ScheduledUnit>> schedule = new TreeMap<>();
    private final Map<Long, Lease> leases = new HashMap<>();
    private final TreeMap<String, MachineEntry> machines = new TreeMap<>();
    private final TreeMap<String, TreeMap<String, String>> dynamicMetadata = new TreeMap<>();
    private final Map<String, MachineAvailability> availability = new HashMap<>();
    private final TreeMap<String, String> waitReasons = new TreeMap<>();
    private final Map<List<String>, StateEntry> unitStates = new HashMap<>();
    private final Map<String, UnitFailures> failures = new TreeMap<>();
    private final Map<String, org.fleetj.registry.JobResult> jobResults = new TreeMap<>();
    private final List<MemoryLeaderLatch> candidates = new ArrayList<>();
    private final List<MemoryPresence> presences = new ArrayList<>();
    private LeaderEntry leader;

    /** A registry on the real clock: leases of stopped holders expire after their ttl in real time. */
    public InMemoryRegistry() {
        this(Clock.systemUTC());
    }

    public InMemoryRegistry(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.callbacks = Executors.newSingleThreadExecutor(daemon("in-memory-registry-callbacks"));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("in-memory-registry-leases"));
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        if (clock instanceof ManualClock manual) {
            manual.onAdvance(sweepOnAdvance);
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ---- test hooks -----------------------------------------------------------------------

    /**
     * Simulates an outage (true) and its end (false). While down every call throws
     * {@link RegistryUnavailableException}, presences and latches hear {@code suspended}, and leases are not
     * renewed, so they expire once their ttl passes on the clock. When it ends, presences whose lease
     * expired announce themselves again, every presence hears {@code rejoined}, surviving leaders hear
     * {@code isLeader} again, an election is held if nobody leads, and every watch fires.
     */
    public void setUnavailable(boolean down) {
        synchronized (this) {
            if (down == unavailable) {
                return;
            }
            if (down) {
                sweepLocked();
                unavailable = true;
                for (MemoryPresence p : presences) {
                    if (!p.closed && !p.dead && !p.suspended) {
                        p.suspended = true;
                        p.listeners.forEach(l -> later(l::suspended));
                    }
                }
                for (MemoryLeaderLatch c : candidates) {
                    c.listeners.forEach(l -> later(l::suspended));
                }
                log.info("in-memory registry: simulated outage begins");
                return;
            }
            expireDueLocked();
            unavailable = false;
            refreshLocked();
            for (MemoryPresence p : presences) {
                if (!p.closed && !p.dead) {
                    rejoinLocked(p);
                }
            }
            if (leader != null && !leader.latch().closed) {
                Leadership still = leader.leadership();
                leader.latch().listeners.forEach(l -> later(() -> l.isLeader(still)));
            }
            electLocked();
            watches.forEach(w -> w.notifier().signal());
            log.info("in-memory registry: simulated outage ends");
        }
    }

    /**
     * Simulates the death of machine {@code machineId}: its presence lease expires now (removing the machine
     * and its unit states), its presence never re-announces, and its engine candidates stop (a leadership
     * it held is gone).
     */
    public synchronized void expireMachine(String machineId) {
        MachineEntry entry = machines.get(machineId);
        if (entry == null) {
            throw new IllegalArgumentException("no live machine " + machineId + " to expire");
        }
        for (MemoryPresence p : presences) {
            if (p.leaseId == entry.leaseId()) {
                p.dead = true;
            }
        }
        for (Iterator<MemoryLeaderLatch> it = candidates.iterator(); it.hasNext(); ) {
            MemoryLeaderLatch c = it.next();
            if (c.machineId.equals(machineId)) {
                c.closed = true;
                it.remove();
                if (leader != null && leader.latch() == c) {
                    revokeLocked(leases.get(leader.leaseId()));
                }
            }
        }
        revokeLocked(leases.get(entry.leaseId()));
        electLocked();
    }

    /**
     * Simulates the sudden death of the fleetd that owns {@code presence} (not the machine: another
     * presence that took its registration over stays): its lease ends now and it never re-announces.
     */
    public synchronized void crash(MachinePresence presence) {
        MemoryPresence p = own(presence);
        p.dead = true;
        revokeLocked(leases.get(p.leaseId));
        electLocked();
    }

    /**
     * Simulates a lease lost while its fleetd lives on (it expired during a partition): the machine and its
     * unit states vanish, the presence hears {@code suspended}, announces itself again under a new lease and
     * hears {@code rejoined}.
     */
    public synchronized void expireLease(MachinePresence presence) {
        MemoryPresence p = own(presence);
        if (!leases.containsKey(p.leaseId)) {
            throw new IllegalStateException("the lease of " + p + " is already gone");
        }
        revokeLocked(leases.get(p.leaseId));
        if (!unavailable) {
            rejoinLocked(p);
        }
        electLocked();
    }

    /** Simulates the sudden death of an engine candidate: its leadership (if any) ends and it never campaigns again. */
    public synchronized void crash(LeaderLatch latch) {
        if (!(latch instanceof MemoryLeaderLatch c) || c.registry != this) {
            throw new IllegalArgumentException("latch " + latch + " was not created by this registry");
        }
        c.closed = true;
        candidates.remove(c);
        if (leader != null && leader.latch() == c) {
            revokeLocked(leases.get(leader.leaseId()));
        }
        electLocked();
    }

    /** Simulates a leader that stalled past its lease: the leader key expires, and the next candidate leads. */
    public synchronized void expireLeadership() {
        if (leader == null) {
            throw new IllegalStateException("nobody leads, so no leadership can expire");
        }
        revokeLocked(leases.get(leader.leaseId()));
        electLocked();
    }

    // ---- unit files and jobs -----------------------------------------------------------------

    @Override
    public Optional<UnitFile> unitFile(String hash) {
        return op("get", () -> Optional.ofNullable(units.get(hash)));
    }

    @Override
    public Map<String, UnitFile> unitFiles(java.util.Collection<String> hashes) {
        return op("range", () -> {
            Map<String, UnitFile> out = new HashMap<>();
            for (String h : hashes) {
                UnitFile u = units.get(h);
                if (u != null) out.put(h, u);
            }
            return out;
        });
    }

    @Override
    public void createJob(String name, UnitFile unit, TargetState desired) {
        NameRules.unitName(name);
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(desired, "desired");
        op("txn", () -> {
            if (jobs.containsKey(name)) {
                throw new UnitExistsException("unit " + name + " already exists");
            }
            putJobLocked(name, unit, desired, false);
            return null;
        });
    }

    @Override
    public void replaceJob(String name, UnitFile unit, TargetState desired) {
        NameRules.unitName(name);
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(desired, "desired");
        op("txn", () -> {
            JobEntry old = jobs.get(name);
            if (old == null) {
                throw new NoSuchUnitException("unit " + name + " does not exist");
            }
            putJobLocked(name, unit, desired, old.global());
            return null;
        });
    }

    private void putJobLocked(String name, UnitFile unit, TargetState desired, boolean wasGlobal) {
        String hash = unit.hash().hex();
        boolean global = GlobalUnits.isGlobal(name, unit);
        units.put(hash, unit);
        jobs.put(name, new JobEntry(hash, desired, global));
        touched("unit/" + hash);
        touched("job/" + name);
        if (global || wasGlobal) {
            touched("global/" + name);
        }
    }

    @Override
    public boolean setDesiredState(String name, TargetState desired) {
        Objects.requireNonNull(desired, "desired");
        return op("txn", () -> {
            JobEntry old = jobs.get(name);
            if (old == null) {
                return false;
            }
            jobs.put(name, new JobEntry(old.hash(), desired, old.global()));
            touched("job/" + name);
            if (old.global()) {
                touched("global/" + name);
            }
            return true;
        });
    }

    @Override
    public boolean destroyJob(String name) {
        return op("txn", () -> {
            JobEntry old = jobs.remove(name);
            if (old == null) {
                return false;
            }
            if (jobResults.remove(name) != null) touched("job-result/" + name);
            touched("job/" + name);
            if (old.global()) {
                touched("global/" + name);
            }
            return true;
        });
    }

    @Override
    public Optional<Job> job(String name) {
        return op("get", () -> {
            JobEntry e = jobs.get(name);
            return e == null ? Optional.empty() : Optional.of(toJob(name, e, placementsLocked()));
        });
    }

    @Override
    public List<Job> jobs() {
        return op("range", () -> {
            Map<String, String> placements = placementsLocked();
            List<Job> out = new ArrayList<>(jobs.size());
            jobs.forEach((name, e) -> out.add(toJob(name, e, placements)));
            return out;
        });
    }

    @Override
    public List<Job> globalJobs() {
        return op("range", () -> {
            List<Job> out = new ArrayList<>();
            jobs.forEach((name, e) -> {
                if (e.global()) out.add(toJob(name, e, Map.of()));
            });
            return out;
        });
    }

    private Job toJob(String name, JobEntry e, Map<String, String> placements) {
        Optional<String> target = e.global() ? Optional.empty() : Optional.ofNullable(placements.get(name));
        return new Job(name, units.get(e.hash()), e.desired(), target);
    }

    /** Unit name → the machine whose schedule holds it. */
    private Map<String, String> placementsLocked() {
        Map<String, String> out = new HashMap<>();
        schedule.forEach((machine, entries) -> entries.keySet().forEach(name -> out.putIfAbsent(name, machine)));
        return out;
    }

    // ---- machines -------------------------------------------------------------------------

    @Override
    public MachinePresence join(MachineState self, String hostname, Duration ttl) {
        Objects.requireNonNull(self, "self");
        NameRules.machineId(self.id());
        String host = hostname == null ? "" : hostname;
        requirePositive(ttl);
        return op("txn", () -> {
            refuseDuplicateLocked(self, host);
            Lease lease = newLeaseLocked(ttl);
            MemoryPresence p = new MemoryPresence(this, self, host, ttl, lease.id);
            presences.add(p);
            machines.put(self.id(), new MachineEntry(self, host, lease.id));
            touched("machine/" + self.id());
            return p;
        });
    }

    private void refuseDuplicateLocked(MachineState self, String hostname) {
        MachineEntry existing = machines.get(self.id());
        if (existing == null) {
            return;
        }
        if (existing.hostname().equals(hostname) && existing.state().publicIp().equals(self.publicIp())) {
            log.info("machine {} (hostname {}, IP {}) restarted: taking over its registration", self.id(), hostname, self.publicIp());
            return;
        }
        throw new DuplicateMachineException("machine id " + self.id() + " is already registered by a live fleetd on hostname "
                + existing.hostname() + " (IP " + existing.state().publicIp() + "); refusing to join as hostname " + hostname
                + " (IP " + self.publicIp() + "): every machine needs its own /etc/machine-id");
    }

    synchronized boolean isAlive(MemoryPresence p) {
        return !p.closed && !p.dead && !p.suspended && leases.containsKey(p.leaseId);
    }

    void update(MemoryPresence p, MachineState state) {
        Objects.requireNonNull(state, "state");
        if (!state.id().equals(p.self.id())) {
            throw new IllegalArgumentException("a presence cannot change its machine id from " + p.self.id() + " to " + state.id());
        }
        op("put", () -> {
            requireAliveLocked(p, "machine state");
            p.self = state;
            machines.put(state.id(), new MachineEntry(state, p.hostname, p.leaseId));
            touched("machine/" + state.id());
            return null;
        });
    }

    synchronized void leave(MemoryPresence p) {
        if (p.closed) {
            return;
        }
        p.closed = true;
        presences.remove(p);
        Lease lease = leases.get(p.leaseId);
        if (lease == null) {
            return;
        }
        if (unavailable) {
            lease.keptAlive = false; // cannot revoke during an outage: it expires on its own
        } else {
            revokeLocked(lease);
            electLocked();
        }
    }

    private void rejoinLocked(MemoryPresence p) {
        if (!leases.containsKey(p.leaseId)) {
            try {
                refuseDuplicateLocked(p.self, p.hostname);
            } catch (DuplicateMachineException e) {
                log.error("cannot announce machine {} again: {}", p.self.id(), e.getMessage());
                return;
            }
            Lease lease = newLeaseLocked(p.ttl);
            p.leaseId = lease.id;
            machines.put(p.self.id(), new MachineEntry(p.self, p.hostname, lease.id));
            touched("machine/" + p.self.id());
            log.info("machine {} announced again under a new lease", p.self.id());
        }
        if (p.suspended) {
            p.suspended = false;
            p.listeners.forEach(l -> later(l::rejoined));
        }
    }

    @Override
    public List<MachineState> machines() {
        return op("range", () -> {
            List<MachineState> out = new ArrayList<>(machines.size());
            machines.forEach((id, e) -> {
                Map<String, String> merged = new TreeMap<>(e.state().metadata());
                merged.putAll(dynamicMetadata.getOrDefault(id, new TreeMap<>()));
                out.add(new MachineState(id, e.state().publicIp(), merged, e.state().version(), e.state().capacity(),
                        availability.getOrDefault(id, MachineAvailability.SCHEDULABLE)));
            });
            return out;
        });
    }

    @Override
    public void setMachineMetadata(String machineId, String key, String value) {
        NameRules.machineId(machineId);
        NameRules.metadataKey(key);
        op(value == null ? "delete" : "put", () -> {
            if (value == null) {
                TreeMap<String, String> m = dynamicMetadata.get(machineId);
                if (m != null && m.remove(key) != null && m.isEmpty()) {
                    dynamicMetadata.remove(machineId);
                }
            } else {
                dynamicMetadata.computeIfAbsent(machineId, k -> new TreeMap<>()).put(key, value);
            }
            touched("machine-meta/" + machineId + "/" + key);
            return null;
        });
    }

    @Override
    public void setMachineAvailability(String machineId, MachineAvailability a) {
        NameRules.machineId(machineId);
        op(a == MachineAvailability.SCHEDULABLE ? "delete" : "put", () -> {
            if (a == MachineAvailability.SCHEDULABLE) {
                availability.remove(machineId);
            } else {
                availability.put(machineId, a);
            }
            touched("machine-control/" + machineId);
            return null;
        });
    }

    @Override
    public void publishWaitReasons(Map<String, String> changes) {
        op("txn", () -> {
            changes.forEach((unit, reason) -> {
                if (reason == null) {
                    waitReasons.remove(unit);
                } else {
                    waitReasons.put(unit, reason);
                }
                touched("wait-reason/" + unit);
            });
            return null;
        });
    }

    @Override
    public Map<String, String> waitReasons() {
        return op("range", () -> Map.copyOf(waitReasons));
    }

    @Override
    public Map<String, Map<String, String>> machineMetadata() {
        return op("range", () -> {
            Map<String, Map<String, String>> out = new TreeMap<>();
            dynamicMetadata.forEach((id, m) -> out.put(id, Map.copyOf(m)));
            return out;
        });
    }

    // ---- unit states ------------------------------------------------------------------------

    @Override
    public void publishUnitState(MachinePresence presence, UnitState state) {
        MemoryPresence p = own(presence);
        Objects.requireNonNull(state, "state");
        NameRules.unitName(state.name());
        if (!state.machineId().equals(p.machineId())) {
            throw new IllegalArgumentException("unit state of " + state.name() + " names machine " + state.machineId()
                    + " but is published by the presence of " + p.machineId());
        }
        op("put", () -> {
            requireAliveLocked(p, "unit state of " + state.name());
            unitStates.put(List.of(state.name(), state.machineId()), new StateEntry(state, p.leaseId));
            touched("state/" + state.name() + "/" + state.machineId());
            return null;
        });
    }

    @Override
    public void removeUnitState(MachinePresence presence, String unitName) {
        MemoryPresence p = own(presence);
        op("delete", () -> {
            if (unitStates.remove(List.of(unitName, p.machineId())) != null) {
                touched("state/" + unitName + "/" + p.machineId());
            }
            return null;
        });
    }

    @Override
    public List<UnitState> unitStates() {
        return op("range", () -> unitStates.values().stream()
                .map(StateEntry::state)
                .sorted(Comparator.comparing(UnitState::name).thenComparing(UnitState::machineId))
                .toList());
    }

    private MemoryPresence own(MachinePresence presence) {
        if (presence instanceof MemoryPresence p && p.registry == this) {
            return p;
        }
        throw new IllegalArgumentException("presence " + presence + " was not created by this registry");
    }

    private void requireAliveLocked(MemoryPresence p, String what) {
        if (p.closed || p.dead || !leases.containsKey(p.leaseId)) {
            throw new RegistryUnavailableException("machine " + p.machineId() + " is not announced (presence lease lost or closed); "
                    + what + " not written");
        }
    }

    // ---- leadership and schedule --------------------------------------------------------

    @Override
    public LeaderLatch leaderLatch(String machineId, Duration ttl) {
        NameRules.machineId(machineId);
        requirePositive(ttl);
        return new MemoryLeaderLatch(this, machineId, ttl);
    }

    synchronized void campaign(MemoryLeaderLatch c) {
        if (c.closed) {
            throw new IllegalStateException("engine candidate " + c.machineId + " was closed; create a new latch");
        }
        if (c.started) {
            return;
        }
        c.started = true;
        candidates.add(c);
        electLocked();
    }

    synchronized void resign(MemoryLeaderLatch c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        candidates.remove(c);
        if (leader != null && leader.latch() == c) {
            Lease lease = leases.get(leader.leaseId());
            if (unavailable) {
                lease.keptAlive = false;
                c.current = null;
            } else {
                revokeLocked(lease);
            }
            c.listeners.forEach(l -> later(l::notLeader));
        }
        electLocked();
    }

    private void electLocked() {
        if (leader != null || unavailable || closed) {
            return;
        }
        for (MemoryLeaderLatch c : candidates) {
            if (c.started && !c.closed) {
                Lease lease = newLeaseLocked(c.ttl);
                Leadership leadership = new Leadership(c.machineId, ++revision);
                leader = new LeaderEntry(leadership, lease.id, c);
                c.current = leadership;
                touched("engine/leader");
                log.info("engine leader is now {} (token {})", c.machineId, leadership.token());
                c.listeners.forEach(l -> later(() -> l.isLeader(leadership)));
                return;
            }
        }
    }

    @Override
    public Optional<String> engineLeader() {
        return op("get", () -> leader == null ? Optional.empty() : Optional.of(leader.leadership().machineId()));
    }

    @Override
    public void applySchedule(Leadership leadership, List<ScheduleChange> changes) {
        Objects.requireNonNull(leadership, "leadership");
        for (ScheduleChange c : changes) {
            NameRules.unitName(c.unit());
            NameRules.machineId(c.machineId());
        }
        fencedWrite(leadership, "schedule", () -> {
            for (ScheduleChange c : changes) {
                if (c.kind() == ScheduleChange.Kind.ASSIGN) {
                    schedule.computeIfAbsent(c.machineId(), k -> new TreeMap<>())
                            .put(c.unit(), new ScheduledUnit(c.unit(), c.unitHash(), c.desiredState()));
                } else {
                    TreeMap<String, ScheduledUnit> m = schedule.get(c.machineId());
                    if (m != null && m.remove(c.unit()) != null && m.isEmpty()) {
                        schedule.remove(c.machineId());
                    }
                }
                touched("schedule/" + c.machineId() + "/" + c.unit());
            }
        });
    }

    @Override
    public Map<String, UnitFailures> unitFailures() {
        return op("range", () -> java.util.Collections.unmodifiableMap(new TreeMap<>(failures)));
    }

    @Override
    public void putUnitFailures(Leadership leadership, UnitFailures f) {
        NameRules.unitName(f.unit());
        fencedWrite(leadership, "failure record of " + f.unit(), () -> {
            failures.put(f.unit(), f);
            touched("failures/" + f.unit());
        });
    }

    @Override
    public void removeUnitFailures(Leadership leadership, String unit) {
        NameRules.unitName(unit);
        fencedWrite(leadership, "failure record of " + unit, () -> {
            if (failures.remove(unit) != null) touched("failures/" + unit);
        });
    }

    @Override
    public Map<String, org.fleetj.registry.JobResult> jobResults() {
        return op("range", () -> java.util.Collections.unmodifiableMap(new TreeMap<>(jobResults)));
    }

    @Override
    public Optional<org.fleetj.registry.JobResult> jobResult(String unit) {
        return op("get", () -> Optional.ofNullable(jobResults.get(unit)));
    }

    @Override
    public boolean putJobResult(org.fleetj.registry.JobResult result) {
        NameRules.unitName(result.unit());
        return op("txn", () -> {
            if (!jobs.containsKey(result.unit())) return false;
            jobResults.put(result.unit(), result);
            touched("job-result/" + result.unit());
            return true;
        });
    }

    /** The engine fence: a write by anyone but the current leader (same token) fails and changes nothing. */
    private void fencedWrite(Leadership leadership, String what, Runnable write) {
        Objects.requireNonNull(leadership, "leadership");
        op("txn", () -> {
            if (leader == null || !leader.leadership().equals(leadership)) {
                throw new LeadershipLostException("engine leadership of " + leadership.machineId() + " (token " + leadership.token()
                        + ") is lost; " + what + " not written (leader now: "
                        + (leader == null ? "none" : leader.leadership().machineId()) + ")");
            }
            write.run();
            return null;
        });
    }

    @Override
    public List<ScheduledUnit> scheduleOf(String machineId) {
        return op("range", () -> List.copyOf(schedule.getOrDefault(machineId, new TreeMap<>()).values()));
    }

    @Override
    public Map<String, List<ScheduledUnit>> schedule() {
        return op("range", () -> {
            Map<String, List<ScheduledUnit>> out = new LinkedHashMap<>();
            schedule.forEach((m, entries) -> out.put(m, List.copyOf(entries.values())));
            return out;
        });
    }

    // ---- watches ----------------------------------------------------------------------------

    @Override
    public Subscription watchSchedule(String machineId, Runnable onChange) {
        NameRules.machineId(machineId);
        return watch("schedule of " + machineId, onChange, "schedule/" + machineId + "/");
    }

    @Override
    public Subscription watchGlobalJobs(Runnable onChange) {
        return watch("global jobs", onChange, "global/", "machine-meta/", "machine-control/");
    }

    @Override
    public Subscription watchCluster(Runnable onChange) {
        return watch("cluster", onChange, "job/", "machine/", "machine-meta/", "machine-control/");
    }

    /** Watches every prefix through one coalescing notifier (a change touching several wakes the caller once). */
    private Subscription watch(String name, Runnable onChange, String... prefixes) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (this) {
            checkUsableLocked();
        }
        CoalescingNotifier notifier = new CoalescingNotifier(name, onChange, callbacks);
        List<Watch> added = new ArrayList<>();
        for (String prefix : prefixes) added.add(new Watch(prefix, notifier));
        watches.addAll(added);
        return () -> {
            notifier.close();
            watches.removeAll(added);
        };
    }

    /** Records a change of {@code key} (in etcd's layout, without prefix) and wakes the watches that cover it. */
    private void touched(String key) {
        if (unavailable) {
            return; // nobody can hear it now; every watch fires when the outage ends
        }
        for (Watch w : watches) {
            if (key.startsWith(w.prefix())) {
                w.notifier().signal();
            }
        }
    }

    // ---- leases -------------------------------------------------------------------------------

    private Lease newLeaseLocked(Duration ttl) {
        Lease lease = new Lease(nextLeaseId++, ttl, clock.instant());
        leases.put(lease.id, lease);
        return lease;
    }

    private void sweep() {
        synchronized (this) {
            if (!closed) {
                sweepLocked();
            }
        }
    }

    /** Keepalive for the holders that keep their leases (unless in an outage), then expiry of the rest. */
    private void sweepLocked() {
        if (!unavailable) {
            refreshLocked();
        }
        if (expireDueLocked()) {
            electLocked();
        }
    }

    private void refreshLocked() {
        Instant now = clock.instant();
        for (Lease lease : leases.values()) {
            if (lease.keptAlive) {
                lease.expiresAt = now.plus(lease.ttl);
            }
        }
    }

    private boolean expireDueLocked() {
        Instant now = clock.instant();
        List<Lease> due = leases.values().stream().filter(l -> !l.expiresAt.isAfter(now)).toList();
        due.forEach(this::revokeLocked);
        return !due.isEmpty();
    }

    /** Deletes a lease and everything attached to it, telling the holders. */
    private void revokeLocked(Lease lease) {
        if (lease == null || leases.remove(lease.id) == null) {
            return;
        }
        for (Iterator<Map.Entry<String, MachineEntry>> it = machines.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, MachineEntry> e = it.next();
            if (e.getValue().leaseId() == lease.id) {
                it.remove();
                touched("machine/" + e.getKey());
                log.info("machine {} left the cluster (lease ended)", e.getKey());
            }
        }
        for (Iterator<Map.Entry<List<String>, StateEntry>> it = unitStates.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<List<String>, StateEntry> e = it.next();
            if (e.getValue().leaseId() == lease.id) {
                it.remove();
                touched("state/" + e.getKey().get(0) + "/" + e.getKey().get(1));
            }
        }
        if (leader != null && leader.leaseId() == lease.id) {
            MemoryLeaderLatch holder = leader.latch();
            leader = null;
            holder.current = null;
            touched("engine/leader");
            if (!holder.closed) {
                log.info("engine leadership of {} ended (lease expired)", holder.machineId);
                holder.listeners.forEach(l -> later(l::notLeader));
                // a deposed leader campaigns again, behind the others
                candidates.remove(holder);
                candidates.add(holder);
            }
        }
        for (MemoryPresence p : presences) {
            if (p.leaseId == lease.id && !p.closed && !p.suspended) {
                p.suspended = true;
                p.listeners.forEach(l -> later(l::suspended));
            }
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private void later(Runnable r) {
        try {
            callbacks.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("registry listener failed: {}", e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("registry closed; listener call dropped");
        }
    }

    private <T> T op(String type, Supplier<T> body) {
        long start = System.nanoTime();
        boolean failed = false;
        try {
            synchronized (this) {
                checkUsableLocked();
                sweepLocked();
                return body.get();
            }
        } catch (RegistryUnavailableException e) {
            failed = true;
            throw e;
        } finally {
            metrics.record(type, System.nanoTime() - start, failed);
        }
    }

    private void checkUsableLocked() {
        if (closed) {
            throw new RegistryException("the in-memory registry is closed");
        }
        if (unavailable) {
            throw new RegistryUnavailableException("in-memory registry unavailable (simulated outage)");
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
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (clock instanceof ManualClock manual) {
            manual.removeOnAdvance(sweepOnAdvance);
        }
        watches.forEach(w -> w.notifier().close());
        sweeper.shutdownNow();
        callbacks.shutdown();
    }
}
