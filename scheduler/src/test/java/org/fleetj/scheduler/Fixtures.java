package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.unit.MetadataRequirement;
import org.fleetj.unit.PlacementRequests;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.XFleet;

/** Small builders for machines, units and snapshots, and the pure "apply a plan" helper. */
final class Fixtures {

    private Fixtures() {
    }

    /** A 32-character machine id whose 8-character short id is {@code shortId}. */
    static String id(String shortId) {
        if (shortId.length() != 8) {
            throw new IllegalArgumentException("short id must have 8 characters: " + shortId);
        }
        return shortId + "0123456789abcdef01234567";
    }

    /** A machine with id {@code id(shortId)} and metadata given as "k=v" strings. */
    static Machine machine(String shortId, String... metadata) {
        return new Machine(id(shortId), "10.0.0." + (Math.abs(shortId.hashCode()) % 250 + 1), map(metadata));
    }

    /** {@code "k=v"} strings as a map, in their order. */
    static Map<String, String> map(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            m.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return m;
    }

    /** A machine with capacity ({@code cpuMillis} millicores, {@code memoryMib} MiB) and metadata. */
    static Machine sized(String shortId, long cpuMillis, long memoryMib, String... metadata) {
        Machine m = machine(shortId, metadata);
        return new Machine(m.id(), m.ip(), m.metadata(), new Resources(cpuMillis, memoryMib << 20), Machine.Availability.SCHEDULABLE);
    }

    /** {@code m} with another availability. */
    static Machine with(Machine m, Machine.Availability availability) {
        return new Machine(m.id(), m.ip(), m.metadata(), m.capacity(), availability);
    }

    static XF x() {
        return new XF();
    }

    /** Fluent X-Fleet builder. */
    static final class XF {
        private Optional<String> machineId = Optional.empty();
        private final List<String> machineOf = new ArrayList<>();
        private final List<MetadataRequirement> metadata = new ArrayList<>();
        private final List<String> conflicts = new ArrayList<>();
        private boolean global;
        private final List<String> replaces = new ArrayList<>();
        private Resources request = Resources.NONE;
        private int maxPerMachine;
        private Optional<String> spreadBy = Optional.empty();

        /** RequestCPU in millicores and RequestMemory in MiB. */
        XF request(long cpuMillis, long memoryMib) {
            request = new Resources(cpuMillis, memoryMib << 20);
            return this;
        }

        XF maxPerMachine(int n) {
            maxPerMachine = n;
            return this;
        }

        XF spreadBy(String key) {
            spreadBy = Optional.of(key);
            return this;
        }

        XF machineId(String id) {
            machineId = Optional.of(id);
            return this;
        }

        XF machineOf(String... peers) {
            machineOf.addAll(List.of(peers));
            return this;
        }

        XF meta(String key, String value) {
            metadata.add(new MetadataRequirement(key, value, false));
            return this;
        }

        XF notMeta(String key, String value) {
            metadata.add(new MetadataRequirement(key, value, true));
            return this;
        }

        XF conflicts(String... globs) {
            conflicts.addAll(List.of(globs));
            return this;
        }

        XF global() {
            global = true;
            return this;
        }

        XF replaces(String... names) {
            replaces.addAll(List.of(names));
            return this;
        }

        XFleet build() {
            PlacementRequests p = new PlacementRequests(request, maxPerMachine, spreadBy);
            return new XFleet(machineId, machineOf, metadata, conflicts, global, replaces,
                    p.isNone() ? PlacementRequests.NONE : p);
        }
    }

    static UnitSpec launched(String name) {
        return launched(name, x());
    }

    static UnitSpec launched(String name, XF xf) {
        return UnitSpec.unscheduled(name, xf.build(), TargetState.LAUNCHED);
    }

    static UnitSpec on(String shortId, String name) {
        return on(shortId, name, x());
    }

    static UnitSpec on(String shortId, String name, XF xf) {
        return UnitSpec.scheduled(name, xf.build(), TargetState.LAUNCHED, id(shortId));
    }

    static ClusterSnapshot snapshot(List<Machine> machines, List<UnitSpec> units) {
        return ClusterSnapshot.of(machines, units);
    }

    /**
     * Applies a plan the way the engine does (SCHEDULE assigns, UNSCHEDULE removes, RESCHEDULE moves),
     * checking each task against the state it applies to.
     */
    static ClusterSnapshot apply(ClusterSnapshot s, Plan plan) {
        Map<String, Optional<String>> target = new HashMap<>();
        for (UnitSpec u : s.units()) {
            target.put(u.name(), u.targetMachine());
        }
        for (Task t : plan.tasks()) {
            Optional<String> now = target.get(t.unit());
            if (now == null) {
                throw new AssertionError("task for unknown unit: " + t);
            }
            switch (t.kind()) {
                case SCHEDULE -> {
                    if (now.isPresent()) {
                        throw new AssertionError("schedule of an already scheduled unit: " + t);
                    }
                    target.put(t.unit(), Optional.of(t.machine()));
                }
                case UNSCHEDULE -> {
                    if (!now.equals(Optional.of(t.machine()))) {
                        throw new AssertionError("unschedule from a machine the unit is not on (" + now + "): " + t);
                    }
                    target.put(t.unit(), Optional.empty());
                }
                case RESCHEDULE -> {
                    if (!now.equals(t.from())) {
                        throw new AssertionError("reschedule from a machine the unit is not on (" + now + "): " + t);
                    }
                    target.put(t.unit(), Optional.of(t.machine()));
                }
            }
        }
        List<UnitSpec> units = new ArrayList<>();
        for (UnitSpec u : s.units()) {
            units.add(u.withTarget(target.get(u.name())));
        }
        return ClusterSnapshot.of(s.machines(), units);
    }

    /** Unit name to short id of its target machine ("-" when none), for readable assertions. */
    static Map<String, String> placement(ClusterSnapshot s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (UnitSpec u : s.units()) {
            m.put(u.name(), u.targetMachine().map(t -> t.substring(0, 8)).orElse("-"));
        }
        return m;
    }
}
