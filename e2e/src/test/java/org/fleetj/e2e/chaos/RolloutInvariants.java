package org.fleetj.e2e.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a rollout promises, checked on every round of every machine's systemd samples (fed by one
 * {@link SystemdSampler} per machine): never more than max-unavailable instances down at once; no instance running on
 * two machines (a replacement happens in place, so the design allows no overlap of old and new); and, asked at the
 * end, every instance active on the new version and none on the old. For a global unit an instance is one machine's
 * copy. Machines the scenario stops watching ({@link #ignore}) are left out.
 */
final class RolloutInvariants implements SystemdSampler.Sink {
    private final List<String> units;
    private final boolean global;
    private final int maxUnavailable;
    private final Set<String> machines;
    private final Map<String, Map<String, UnitSample>> latest = new HashMap<>();
    private final Set<String> ignored = new HashSet<>();
    /** Machines whose fleetd is down (or just back), by when their agent reads the registry again (nanoTime; MAX: not yet). */
    private final Map<String, Long> agentAway = new HashMap<>();
    private int doublesWhileAgentAway;
    private final List<String> violations = new ArrayList<>();
    private final Set<String> reported = new HashSet<>();
    private volatile boolean armed;
    private int mostDown;
    private int rounds;

    /**
     * @param units    the instances ({@code helloworld@1.service}...), or the one global unit
     * @param global   whether {@code units} is one global unit (then each machine's copy is an instance)
     * @param machines the machines sampled
     */
    RolloutInvariants(List<String> units, boolean global, int maxUnavailable, Set<String> machines) {
        this.units = List.copyOf(units);
        this.global = global;
        this.maxUnavailable = maxUnavailable;
        this.machines = Set.copyOf(machines);
    }

    /** Starts checking (before: the instances are still being started). */
    synchronized void arm() {
        armed = true;
        mostDown = 0;
        reported.clear();
    }

    synchronized void disarm() {
        armed = false;
    }

    synchronized void ignore(String machine) {
        ignored.add(machine);
        latest.remove(machine);
    }

    synchronized void watch(String machine) {
        ignored.remove(machine);
    }

    /**
     * The machine's fleetd is down: when it stays down past its presence lease the engine moves its units, and their
     * old copies run on until its agent is back, by fleet's design (the chaos {@link InvariantChecker}'s rule for a
     * machine cut off): a double involving it is not the rollout's doing until {@link InvariantChecker#DOUBLE_RUN_WINDOW}
     * after {@link #agentBack}.
     */
    synchronized void agentDown(String machine) {
        agentAway.put(machine, Long.MAX_VALUE);
    }

    synchronized void agentBack(String machine) {
        agentAway.put(machine, System.nanoTime() + InvariantChecker.DOUBLE_RUN_WINDOW.toNanos());
    }

    /** Instances running on more than one watched machine in the latest samples. */
    synchronized Set<String> doubled() {
        Set<String> out = new TreeSet<>();
        for (String u : global ? List.<String>of() : units) {
            long on = watched().stream().filter(m -> latest.containsKey(m) && latest.get(m).get(u).running()).count();
            if (on > 1) out.add(u);
        }
        return out;
    }

    synchronized int doublesWhileAgentAway() {
        return doublesWhileAgentAway;
    }

    private boolean away(Set<String> on) {
        long now = System.nanoTime();
        return on.stream().anyMatch(m -> agentAway.getOrDefault(m, Long.MIN_VALUE) > now);
    }

    @Override
    public synchronized void observe(String machine, Map<String, UnitSample> samples) {
        if (ignored.contains(machine)) return;
        latest.put(machine, Map.copyOf(samples));
        if (!armed || !latest.keySet().containsAll(watched())) return;
        rounds++;
        int down = 0;
        if (global) {
            for (String m : watched()) {
                if (!latest.get(m).get(units.get(0)).active()) down++;
            }
        } else {
            for (String u : units) {
                Set<String> on = new TreeSet<>();
                boolean active = false;
                for (String m : watched()) {
                    UnitSample s = latest.get(m).get(u);
                    if (s.running()) on.add(m);
                    active |= s.active();
                }
                if (!active) down++;
                if (on.size() > 1 && away(on)) {
                    doublesWhileAgentAway++;
                } else if (on.size() > 1 && reported.add("double " + u)) {
                    violations.add(u + " runs on " + on + " at once");
                }
            }
        }
        mostDown = Math.max(mostDown, down);
        if (down > maxUnavailable && reported.add("down " + down)) {
            violations.add(down + " instances down at once (max-unavailable " + maxUnavailable + "): " + describe());
        }
    }

    @Override
    public synchronized void machineUnobservable(String machine) {
        latest.remove(machine);
    }

    private Set<String> watched() {
        Set<String> w = new TreeSet<>(machines);
        w.removeAll(ignored);
        return w;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized int mostDown() {
        return mostDown;
    }

    synchronized int rounds() {
        return rounds;
    }

    /** Why not every instance is active on {@code version} (a Description), or empty when all are and none is on another. */
    synchronized java.util.Optional<String> notAllOn(String version) {
        if (!latest.keySet().containsAll(watched())) return java.util.Optional.of("not every machine sampled yet");
        int on = 0;
        int expected = global ? watched().size() : units.size();
        for (String m : watched()) {
            for (String u : units) {
                UnitSample s = latest.get(m).get(u);
                if (s.running() && !s.description().equals(version)) {
                    return java.util.Optional.of(u + " runs " + s.description() + " on " + m);
                }
                if (s.active()) on++;
            }
        }
        return on == expected ? java.util.Optional.empty() : java.util.Optional.of(on + " of " + expected + " active on " + version + ": " + describe());
    }

    private String describe() {
        StringBuilder b = new StringBuilder();
        for (String m : watched()) {
            for (String u : units) {
                UnitSample s = latest.get(m).get(u);
                if (s != null && s.running()) b.append(u).append('@').append(m).append('=').append(s.activeState()).append('(').append(s.description()).append(") ");
            }
        }
        return b.toString().strip();
    }
}
