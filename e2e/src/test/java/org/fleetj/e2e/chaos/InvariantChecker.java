package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Checks, on every round of every machine's systemd samples, what fleet promises whatever happens to etcd,
 * machines or the network:
 * <ul>
 * <li>two units that conflict never run on one machine, not even for one sample;</li>
 * <li>a non-global unit runs on two machines for at most {@link #DOUBLE_RUN_WINDOW} counted from when every machine
 * running it can read the registry (a machine cut off from the registry keeps its copy by design until it can read
 * again: that time is not counted);</li>
 * <li>a running unit is never restarted (its systemd identity never changes while it stays active), and it stops
 * only when told to: either the scenario stopped or destroyed it, or the registry no longer schedules it on that
 * machine (checked against etcd right after the stop was seen, and never while that machine was cut off).</li>
 * </ul>
 * Machines the scenario kills or boots are not watched meanwhile ({@link #ignore}); a crash is not a stop.
 */
final class InvariantChecker implements AutoCloseable, SystemdSampler.Sink {
    /** A stale copy stops at most this long after its machine can read the registry again. */
    static final Duration DOUBLE_RUN_WINDOW = Duration.ofSeconds(5);

    private final java.util.function.LongSupplier clock;
    private final long t0;
    private final Map<String, String> machineIds;
    private final RegistryProbe registry;
    private final Map<String, Map<String, UnitSample>> latest = new HashMap<>();
    private final Map<String, Map<String, String>> identities = new HashMap<>();
    private final Set<String> ignored = new HashSet<>();
    private final Set<String> isolated = new HashSet<>();
    private final Set<String> instructed = new HashSet<>();
    private final Map<String, Long> doubleSince = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private final List<Violation> violations = new ArrayList<>();
    private final LinkedBlockingQueue<StopEvent> stopsToVerify = new LinkedBlockingQueue<>();
    private final Thread verifier;
    private volatile boolean closed;
    private int pendingStops;
    private long longestDoubleRunMs;
    private int restarts;
    private int unexplainedStops;
    private int explainedStops;
    private int instructedStops;

    private record StopEvent(String machine, String unit, long at) {
    }

    InvariantChecker(Map<String, String> machineIds, RegistryProbe registry) {
        this(machineIds, registry, System::nanoTime);
    }

    InvariantChecker(Map<String, String> machineIds, RegistryProbe registry, java.util.function.LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.t0 = nanoClock.getAsLong();
        this.machineIds = Map.copyOf(machineIds);
        this.registry = registry;
        this.verifier = new Thread(this::verifyStops, "stop-verifier");
        this.verifier.setDaemon(true);
        this.verifier.start();
    }

    // ----- what the scenario tells the checker -----

    /** The scenario is about to kill or boot this machine: its samples mean nothing until {@link #watch}. */
    synchronized void ignore(String machine) {
        ignored.add(machine);
        forget(machine);
    }

    synchronized void watch(String machine) {
        ignored.remove(machine);
    }

    /** The machine cannot reach the registry from now on (network cut). */
    synchronized void isolate(String machine) {
        isolated.add(machine);
    }

    /** The machine can reach the registry again: the double-run window starts now. */
    synchronized void rejoin(String machine) {
        isolated.remove(machine);
    }

    /** The scenario itself stops or destroys these units: their stops are instructed. */
    synchronized void instruct(String... units) {
        instructed.addAll(List.of(units));
    }

    synchronized int mark() {
        return violations.size();
    }

    synchronized List<Violation> violationsSince(int mark) {
        return List.copyOf(violations.subList(mark, violations.size()));
    }

    synchronized int restarts() {
        return restarts;
    }

    /** Stops seen that the registry did not explain (also counted as violations). */
    synchronized int unexplainedStops() {
        return unexplainedStops;
    }

    synchronized int explainedStops() {
        return explainedStops;
    }

    /** Every stop of a unit the scenario did not stop itself, explained by the registry or not. */
    synchronized int uninstructedStops() {
        return explainedStops + unexplainedStops + pendingStops;
    }

    /** The longest double run seen so far, counted as the window is (see the class comment). */
    synchronized long longestDoubleRunMs() {
        return longestDoubleRunMs;
    }

    synchronized void resetLongestDoubleRun() {
        longestDoubleRunMs = 0;
    }

    /** Machines where systemd reports the unit running, from the latest samples of watched machines. */
    synchronized Set<String> runningOn(String unit) {
        Set<String> on = new TreeSet<>();
        latest.forEach((m, samples) -> {
            UnitSample s = samples.get(unit);
            if (s != null && s.running()) on.add(m);
        });
        return on;
    }

    /** Machines currently sampled (up, watched, at least one complete round). */
    synchronized Set<String> observedMachines() {
        return new TreeSet<>(latest.keySet());
    }

    private synchronized boolean noPendingStops() {
        return pendingStops == 0;
    }

    /** Waits until every stop seen so far was checked against the registry. */
    boolean awaitStopsVerified(Duration patience) {
        if (ChaosCluster.whenTrue(patience, Duration.ofMillis(100), this::noPendingStops) >= 0) return true;
        synchronized (this) {
            for (StopEvent e : stopsToVerify) {
                record(e.at, "unit " + e.unit + " stopped on " + e.machine + " and the registry could not be read to explain it");
            }
            return false;
        }
    }

    // ----- what the samplers report -----

    /** The machine is down: what it ran died with it (a crash is not a stop). */
    @Override
    public synchronized void machineUnobservable(String machine) {
        forget(machine);
    }

    @Override
    public synchronized void observe(String machine, Map<String, UnitSample> samples) {
        if (ignored.contains(machine) || closed) return;
        long now = clock.getAsLong();
        Map<String, String> ids = identities.computeIfAbsent(machine, m -> new HashMap<>());
        for (UnitSample s : samples.values()) {
            String before = ids.get(s.unit());
            if (s.active()) {
                if (before != null && !before.equals(s.identity()) && !instructed.contains(s.unit())) {
                    restarts++;
                    record(now, "unit " + s.unit() + " restarted on " + machine + " without an instruction (" + before + " -> " + s.identity() + ")");
                }
                ids.put(s.unit(), s.identity());
            } else if (!s.running()) {
                if (before != null) {
                    ids.remove(s.unit());
                    stopped(machine, s.unit(), now);
                }
                if (s.activeState().equals("failed") && reported.add("failed " + machine + " " + s.unit())) {
                    record(now, "unit " + s.unit() + " failed on " + machine + " (" + s.subState() + ")");
                }
            }
        }
        checkConflicts(machine, samples, now);
        latest.put(machine, Map.copyOf(samples));
        checkDoubleRuns(now);
    }

    private void stopped(String machine, String unit, long now) {
        if (instructed.contains(unit)) {
            instructedStops++;
        } else if (isolated.contains(machine)) {
            unexplainedStops++;
            record(now, "unit " + unit + " stopped on " + machine + " while it was cut off from the registry");
        } else {
            pendingStops++;
            stopsToVerify.add(new StopEvent(machine, unit, now));
        }
    }

    private void checkConflicts(String machine, Map<String, UnitSample> samples, long now) {
        List<ChaosUnit> running = UnitMix.UNITS.stream().filter(u -> samples.containsKey(u.name()) && samples.get(u.name()).running()).toList();
        for (int i = 0; i < running.size(); i++) {
            for (int j = i + 1; j < running.size(); j++) {
                ChaosUnit a = running.get(i);
                ChaosUnit b = running.get(j);
                if (a.conflictsWith(b) && reported.add("conflict " + machine + " " + a.name() + " " + b.name())) {
                    record(now, "conflicting units " + a.name() + " and " + b.name() + " both run on " + machine);
                }
            }
        }
    }

    private void checkDoubleRuns(long now) {
        for (ChaosUnit u : UnitMix.sampledNonGlobal()) {
            Set<String> on = new TreeSet<>();
            latest.forEach((m, samples) -> {
                UnitSample s = samples.get(u.name());
                if (s != null && s.running()) on.add(m);
            });
            if (on.size() < 2) {
                Long since = doubleSince.remove(u.name());
                if (since != null) longestDoubleRunMs = Math.max(longestDoubleRunMs, (now - since) / 1_000_000);
                reported.remove("double " + u.name());
                continue;
            }
            if (on.stream().anyMatch(isolated::contains)) {
                doubleSince.remove(u.name());   // by design: the cut-off copy runs until its machine can read again
                continue;
            }
            long since = doubleSince.computeIfAbsent(u.name(), k -> now);
            long ms = (now - since) / 1_000_000;
            longestDoubleRunMs = Math.max(longestDoubleRunMs, ms);
            if (ms > DOUBLE_RUN_WINDOW.toMillis() && reported.add("double " + u.name())) {
                record(now, "unit " + u.name() + " runs on " + on + " for more than " + DOUBLE_RUN_WINDOW.toSeconds()
                        + " s while every one of them can read the registry");
            }
        }
    }

    private void forget(String machine) {
        latest.remove(machine);
        identities.remove(machine);
    }

    private void record(long at, String what) {
        Violation v = new Violation((at - t0) / 1_000_000, what);
        violations.add(v);
        System.out.println("chaos: VIOLATION " + v);
    }

    // ----- stop verification against the registry -----

    private void verifyStops() {
        while (!closed) {
            StopEvent e;
            try {
                e = stopsToVerify.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                return;
            }
            if (e == null) continue;
            String id = machineIds.get(e.machine);
            try {
                boolean global = UnitMix.find(e.unit).map(ChaosUnit::isGlobal).orElse(false);
                String key = global ? "global/" + e.unit : "schedule/" + id + "/" + e.unit;
                String desired = registry.range(key).values().stream().findFirst()
                        .map(v -> v.replaceAll(".*\"desiredState\"\\s*:\\s*\"([a-z]+)\".*", "$1")).orElse("");
                synchronized (this) {
                    pendingStops--;
                    if (desired.equals("launched")) {
                        unexplainedStops++;
                        record(e.at, "unit " + e.unit + " stopped on " + e.machine + " although the registry still schedules it there (launched)");
                    } else {
                        explainedStops++;
                    }
                }
            } catch (RegistryProbe.UnreachableException unreachable) {
                stopsToVerify.add(e);   // an agent stops only after a successful read: verify once etcd answers
                // Pacing, not synchronisation: while etcd is unreachable this background loop asks again twice a
                // second instead of spinning; no result waits on it (awaitStopsVerified waits on the pending count).
                sleep(500);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        verifier.interrupt();
    }
}
