package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.unit.UnitGlob;

/**
 * Where every unit is during one pass, and the only code that moves units: {@link #assign}, {@link #release}
 * and {@link #evict} keep each machine's unit lists, its load (and so every load order it is in) and the
 * {@link GlobPresence} counts in step. Also the lookups every phase shares (units by name, machines by id or
 * short id, MachineOf followers). Single use, not thread-safe.
 */
final class WorkingPlacement {

    /** Every unit of the pass, in name order. */
    final PlannedUnit[] units;
    /** Every machine of the pass, in id order. */
    final MachineSlot[] slots;
    final GlobPresence globPresence;
    private final Map<String, PlannedUnit> byName;
    private final Map<String, MachineSlot> slotById;
    private final Map<String, List<MachineSlot>> slotsByShortId;
    /** MachineOf reverse index: peer name to the units that must sit with it. */
    private final Map<String, List<PlannedUnit>> followers = new HashMap<>();
    private int decisions;
    private final Map<String, List<String>> metadataValues = new HashMap<>();

    WorkingPlacement(ClusterSnapshot snapshot, int maxIndexedGlobs) {
        List<UnitSpec> specs = snapshot.units();
        this.units = new PlannedUnit[specs.size()];
        this.byName = new HashMap<>(specs.size() * 2);
        Map<String, Optional<UnitGlob>> compiledGlobs = new HashMap<>();
        for (int i = 0; i < units.length; i++) {
            PlannedUnit u = new PlannedUnit(specs.get(i), i, compiledGlobs);
            units[i] = u;
            byName.put(u.name, u);
            for (String peer : u.spec.xfleet().machineOf()) {
                followers.computeIfAbsent(peer, k -> new ArrayList<>()).add(u);
            }
        }
        List<Machine> machines = snapshot.machines();
        this.slots = new MachineSlot[machines.size()];
        this.slotById = new HashMap<>(machines.size() * 2);
        this.slotsByShortId = new HashMap<>(machines.size() * 2);
        for (int i = 0; i < slots.length; i++) {
            MachineSlot s = new MachineSlot(machines.get(i), i); // the snapshot lists machines in id order
            slots[i] = s;
            slotById.put(s.id, s);
            slotsByShortId.computeIfAbsent(s.shortId, k -> new ArrayList<>(1)).add(s);
        }
        this.globPresence = new GlobPresence(units, slots.length, maxIndexedGlobs);
        reserveForGlobalUnits();
        buildTemplateTallies();
    }

    /**
     * Global units run on every machine they match, whatever the engine decides: what they request is taken
     * from each such machine before anything is placed. Counted where MachineID and MachineMetadata let them
     * run (a global unit kept off a machine by a Conflicts still counts there: a safe over-estimate).
     */
    private void reserveForGlobalUnits() {
        for (PlannedUnit u : units) {
            UnitSpec s = u.spec;
            if (!s.xfleet().global() || u.request.isNone() || s.isTemplate()
                    || s.desiredState() == org.fleetj.unit.TargetState.INACTIVE) {
                continue;
            }
            Optional<String> id = s.xfleet().machineId();
            for (MachineSlot m : slots) {
                if ((id.isEmpty() || m.answersTo(id.get())) && u.rules.metadataMismatch(m.machine.metadata()) == null
                        && m.machine.availability() != Machine.Availability.DRAINING_WITH_GLOBAL_UNITS) {
                    m.reserve(1, u.request);
                }
            }
        }
    }

    /** A {@link TemplateTally} for every template one of whose instances states MaxPerMachine or SpreadBy. */
    private void buildTemplateTallies() {
        Map<String, TemplateTally> tallies = new HashMap<>();
        for (PlannedUnit u : units) {
            var p = u.spec.xfleet().placement();
            if (u.template != null && (p.maxPerMachine() > 0 || p.spreadBy().isPresent())) {
                TemplateTally t = tallies.computeIfAbsent(u.template, k -> new TemplateTally(k, slots.length));
                p.spreadBy().ifPresent(t::spreadBy);
            }
        }
        if (tallies.isEmpty()) {
            return;
        }
        for (PlannedUnit u : units) {
            if (u.template != null) {
                u.tally = tallies.get(u.template);
            }
        }
    }

    /** The distinct values machines have for metadata {@code key}, sorted. */
    List<String> valuesOf(String key) {
        return metadataValues.computeIfAbsent(key, k -> {
            java.util.TreeSet<String> values = new java.util.TreeSet<>();
            for (MachineSlot m : slots) {
                String v = m.machine.metadata().get(k);
                if (v != null) {
                    values.add(v);
                }
            }
            return List.copyOf(values);
        });
    }

    /** The unit named {@code name}, or null. */
    PlannedUnit unit(String name) {
        return byName.get(name);
    }

    List<PlannedUnit> allUnits() {
        return Arrays.asList(units);
    }

    /** The machine with exactly this id, or null. */
    MachineSlot slot(String id) {
        return slotById.get(id);
    }

    /** The machines whose short id is {@code shortId}, in id order. */
    List<MachineSlot> slotsWithShortId(String shortId) {
        return slotsByShortId.getOrDefault(shortId, List.of());
    }

    /** The units whose MachineOf names {@code peer}. */
    List<PlannedUnit> followersOf(String peer) {
        return followers.getOrDefault(peer, List.of());
    }

    /** Why {@code u}'s MachineOf peers do not all sit on {@code m}, or null. */
    String machineOfViolation(PlannedUnit u, MachineSlot m) {
        for (String peer : u.spec.xfleet().machineOf()) {
            PlannedUnit p = byName.get(peer);
            if (p == null) {
                return "MachineOf peer " + peer + " does not exist";
            }
            if (p.current == null) {
                return "MachineOf peer " + peer + " is not scheduled";
            }
            if (p.current != m) {
                return "MachineOf peer " + peer + " is on " + p.current.shortId + ", not " + m.shortId;
            }
        }
        return null;
    }

    void assign(PlannedUnit u, MachineSlot m) {
        m.changeLoad(1, u.request);
        if (u.tally != null) {
            u.tally.moved(m, 1);
        }
        m.units.add(u);
        if (u.rules.excludesAny()) {
            m.excluders.add(u);
        }
        GlobPresence.moved(u, m, 1);
        u.current = m;
        u.decision = ++decisions;
    }

    void release(PlannedUnit u) {
        MachineSlot m = u.current;
        m.changeLoad(-1, u.request);
        if (u.tally != null) {
            u.tally.moved(m, -1);
        }
        m.units.remove(u);
        if (u.rules.excludesAny()) {
            m.excluders.remove(u);
        }
        GlobPresence.moved(u, m, -1);
        u.current = null;
    }

    /**
     * Takes {@code u} off its machine, and with it every unit whose MachineOf no longer holds as a result.
     * Returns the units taken off, {@code u} first, followers after their peers.
     */
    List<PlannedUnit> evict(PlannedUnit u, String reason) {
        List<PlannedUnit> out = new ArrayList<>();
        release(u);
        u.evictionReason = reason;
        out.add(u);
        for (int i = 0; i < out.size(); i++) {
            PlannedUnit left = out.get(i);
            for (PlannedUnit f : followersOf(left.name)) {
                if (f.current != null) {
                    String why = machineOfViolation(f, f.current);
                    if (why != null) {
                        release(f);
                        f.evictionReason = why;
                        out.add(f);
                    }
                }
            }
        }
        return out;
    }
}
