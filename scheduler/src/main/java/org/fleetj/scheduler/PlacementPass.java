package org.fleetj.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitGlob;

/**
 * One scheduling pass over a snapshot. Single use, not thread-safe.
 *
 * <p>Phases: (1) keep every unit that may stay where it is, unscheduling the rest (machine gone, inactive,
 * no longer eligible, MachineOf broken, conflicting with a neighbour); (2) place every unit that wants a
 * machine and has none, MachineOf peers and replacing units first, each onto the first machine that
 * passes the filters in least-loaded order; (3) turn the difference between snapshot and result into
 * tasks. Everything iterates in name/id order, so the same snapshot always gives the same plan.
 */
final class PlacementPass {

    /**
     * How many distinct MachineMetadata filters get their own load order of passing machines. Each indexed
     * filter adds a tree update to every load change of the machines it accepts, so the number is bounded;
     * units with further filters scan the whole load order instead (same result, more time).
     */
    static final int MAX_INDEXED_FILTERS = 32;
    /**
     * How many distinct Conflicts/Replaces globs {@link GlobPresence} indexes: each costs a match per unit
     * whose name starts with the glob's literal prefix, and an array update per placement of such a unit.
     */
    static final int MAX_INDEXED_GLOBS = 64;

    private final PlannedUnit[] units;
    private final Map<String, PlannedUnit> byName;
    private final MachineSlot[] slots;
    private final Map<String, MachineSlot> slotById;
    private final Map<String, List<MachineSlot>> slotsByShortId;
    /** Every machine in least-loaded order; built when first needed (a steady pass places nothing). */
    private NavigableSet<MachineSlot> byLoad;
    /** Per MachineMetadata filter, the machines that pass it in least-loaded order; built when first needed. */
    private final Map<MetadataFilter, NavigableSet<MachineSlot>> byLoadPassing = new HashMap<>();
    private final int maxIndexedFilters;
    private final GlobPresence globPresence;
    /** MachineOf reverse index: peer name to the units that must sit with it. */
    private final Map<String, List<PlannedUnit>> followers = new HashMap<>();
    /** Units that lost their machine while placing others (displaced by Replaces, or following them). */
    private final Deque<PlannedUnit> displaced = new ArrayDeque<>();
    private int decisions;
    private boolean evictedWhilePlacing;

    PlacementPass(ClusterSnapshot snapshot) {
        this(snapshot, MAX_INDEXED_FILTERS, MAX_INDEXED_GLOBS);
    }

    /**
     * A pass that indexes at most {@code maxIndexedFilters} metadata filters and {@code maxIndexedGlobs}
     * globs. The indexes only save time: tests check that any bounds, 0 included, give the same plan.
     */
    PlacementPass(ClusterSnapshot snapshot, int maxIndexedFilters, int maxIndexedGlobs) {
        this.maxIndexedFilters = maxIndexedFilters;
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
    }

    Plan run() {
        keepWhatMayStay();
        placeWhatWantsAMachine();
        return buildPlan();
    }

    // ---------------------------------------------------------------- phase 1: keep or unschedule

    private void keepWhatMayStay() {
        for (PlannedUnit u : units) {
            Optional<String> target = u.spec.targetMachine();
            if (target.isEmpty()) {
                continue;
            }
            MachineSlot m = slotById.get(target.get());
            String why = m == null ? "target machine " + shortOf(target.get()) + " went away" : cannotStay(u, m);
            if (why == null) {
                assign(u, m);
            } else {
                u.evictionReason = why;
            }
        }
        for (PlannedUnit u : units) {
            if (u.current != null && u.rules.replacesAny()) {
                PlannedUnit rival = placedMutualReplacer(u);
                if (rival != null) {
                    // Two units that replace each other are alternatives: the first by name keeps running.
                    PlannedUnit loser = u.order > rival.order ? u : rival;
                    PlannedUnit winner = loser == u ? rival : u;
                    evict(loser, "circular Replaces with " + winner.name + ": only one of them runs");
                }
            }
        }
        for (PlannedUnit u : units) {
            if (u.current != null && !u.spec.xfleet().machineOf().isEmpty()) {
                String why = machineOfViolation(u, u.current);
                if (why != null) {
                    evict(u, why);
                }
            }
        }
        for (MachineSlot m : slots) {
            if (!m.excluders.isEmpty()) {
                resolveExclusions(m);
            }
        }
    }

    /** Why a unit may not stay on the machine it is scheduled to (which exists), or null. */
    private static String cannotStay(PlannedUnit u, MachineSlot m) {
        UnitSpec s = u.spec;
        if (s.desiredState() == TargetState.INACTIVE) {
            return "desired state is inactive";
        }
        if (s.isTemplate()) {
            return "templates are never scheduled, only their instances";
        }
        if (s.xfleet().global()) {
            return "global units are run by every matching machine's agent, not scheduled by the engine";
        }
        Optional<String> id = s.xfleet().machineId();
        if (id.isPresent() && !m.answersTo(id.get())) {
            return "MachineID " + id.get() + " does not name machine " + m.shortId;
        }
        String mismatch = u.rules.metadataMismatch(m.machine.metadata());
        if (mismatch != null) {
            return "machine " + m.shortId + " no longer passes " + mismatch;
        }
        return null;
    }

    /**
     * Units on one machine that may not share it: walking them in name order, the earlier unit stays and
     * the later one goes, except that a unit replaced by a neighbour always goes.
     */
    private void resolveExclusions(MachineSlot m) {
        // Only pairs with at least one excluder can clash: a unit without Conflicts/Replaces is checked
        // against the staying excluders only (the same ones, in the same order, as against everyone).
        List<PlannedUnit> staying = new ArrayList<>();
        List<PlannedUnit> stayingExcluders = new ArrayList<>();
        for (PlannedUnit u : new ArrayList<>(m.units)) {
            if (u.current != m) {
                continue; // left meanwhile, following a MachineOf peer
            }
            boolean excluder = u.rules.excludesAny();
            List<PlannedUnit> others = excluder ? staying : stayingExcluders;
            boolean stays = true;
            for (int i = 0; i < others.size(); ) {
                PlannedUnit v = others.get(i);
                if (v.current != m) {
                    others.remove(i);
                    continue;
                }
                String why = u.rules.exclusionWith(v.rules, m.shortId);
                if (why == null) {
                    i++;
                } else if (u.rules.replaces(v.name) && !v.rules.replaces(u.name)) {
                    others.remove(i);
                    evict(v, "replaced by " + u.name + " on " + m.shortId);
                } else {
                    boolean replaced = v.rules.replaces(u.name) && !u.rules.replaces(v.name);
                    evict(u, replaced ? "replaced by " + v.name + " on " + m.shortId : why);
                    stays = false;
                    break;
                }
            }
            if (stays) {
                staying.add(u);
                if (excluder) {
                    stayingExcluders.add(u);
                }
            }
        }
    }

    // ---------------------------------------------------------------- phase 2: place

    private void placeWhatWantsAMachine() {
        placeInOrder(waiting());
        // A displacement (Replaces) frees room that units tried earlier in the pass may use: try them again,
        // so the result is already what the next pass would reach. Each displacement consumes a unit still
        // on its snapshot machine, so this ends.
        while (evictedWhilePlacing) {
            evictedWhilePlacing = false;
            placeInOrder(waiting());
        }
    }

    private List<PlannedUnit> waiting() {
        List<PlannedUnit> queue = new ArrayList<>();
        for (PlannedUnit u : units) {
            if (isQueued(u)) {
                u.successors.clear();
                u.pendingPredecessors = 0;
                u.ordered = false;
                queue.add(u);
            }
        }
        return queue;
    }

    private void placeInOrder(List<PlannedUnit> queue) {
        if (queue.isEmpty()) {
            return;
        }
        orderPeersFirst(queue);
        // Always the ready unit first in name order. Most units are ready from the start and the queue is in
        // name order already, so they are walked in place; only units released later (MachineOf followers,
        // replaced units) go through a heap.
        List<PlannedUnit> readyFromStart = new ArrayList<>(queue.size());
        for (PlannedUnit u : queue) {
            if (u.pendingPredecessors == 0) {
                readyFromStart.add(u);
            }
        }
        PriorityQueue<PlannedUnit> released = new PriorityQueue<>(Comparator.comparingInt((PlannedUnit u) -> u.order));
        int start = 0;
        int remaining = queue.size();
        int cycleScan = 0;
        while (remaining > 0) {
            PlannedUnit first = start < readyFromStart.size() ? readyFromStart.get(start) : null;
            PlannedUnit next;
            if (first != null && (released.isEmpty() || first.order < released.peek().order)) {
                next = first;
                start++;
            } else {
                next = released.poll();
            }
            if (next == null) {
                // Only cycles are left (MachineOf loops, Replaces rings): break them at the first name.
                while (queue.get(cycleScan).ordered) {
                    cycleScan++;
                }
                next = queue.get(cycleScan);
            }
            next.ordered = true;
            remaining--;
            for (PlannedUnit s : next.successors) {
                if (--s.pendingPredecessors == 0 && !s.ordered) {
                    released.add(s);
                }
            }
            if (next.current == null) {
                place(next);
            }
            while (!displaced.isEmpty()) {
                PlannedUnit d = displaced.poll();
                if (d.current == null && d.spec.wantsMachine()) {
                    place(d);
                }
            }
        }
    }

    /** Adds ordering edges among queued units: a MachineOf peer before its followers, a replacing unit before the replaced. */
    private void orderPeersFirst(List<PlannedUnit> queue) {
        for (PlannedUnit u : queue) {
            for (String peer : u.spec.xfleet().machineOf()) {
                PlannedUnit p = byName.get(peer);
                if (p != null && p != u && isQueued(p)) {
                    edge(p, u);
                }
            }
            if (u.rules.replacesAny()) {
                for (PlannedUnit v : replacedBy(u, queue)) {
                    if (isQueued(v) && !v.rules.replaces(u.name)) {
                        edge(u, v);
                    }
                }
            }
        }
    }

    private static boolean isQueued(PlannedUnit u) {
        return u.current == null && u.spec.wantsMachine();
    }

    private static void edge(PlannedUnit before, PlannedUnit after) {
        before.successors.add(after);
        after.pendingPredecessors++;
    }

    /** Units (among {@code pool}, or all units for glob patterns) that {@code u} replaces, in name order. */
    private List<PlannedUnit> replacedBy(PlannedUnit u, List<PlannedUnit> pool) {
        List<PlannedUnit> out = new ArrayList<>();
        if (u.rules.hasWildcardExclusions()) {
            for (PlannedUnit v : pool) {
                if (u.rules.replaces(v.name)) {
                    out.add(v);
                }
            }
        } else {
            for (String n : u.rules.replacesNames()) {
                PlannedUnit v = byName.get(n);
                if (v != null && v != u) {
                    out.add(v);
                }
            }
            out.sort(Comparator.comparingInt(v -> v.order));
        }
        return out;
    }

    private List<PlannedUnit> allUnits() {
        return java.util.Arrays.asList(units);
    }

    /** A unit that {@code u} replaces and that replaces {@code u}, and that has a machine now; or null. */
    private PlannedUnit placedMutualReplacer(PlannedUnit u) {
        for (PlannedUnit v : replacedBy(u, allUnits())) {
            if (v.current != null && v.rules.replaces(u.name)) {
                return v;
            }
        }
        return null;
    }

    private void place(PlannedUnit u) {
        u.unplacedReason = null;
        if (u.rules.replacesAny()) {
            PlannedUnit rival = placedMutualReplacer(u);
            if (rival != null) {
                u.unplacedReason = "circular Replaces with " + rival.name + ", which runs on " + rival.current.shortId
                        + ": only one of them runs";
                return;
            }
            if (takeReplacedMachine(u)) {
                return;
            }
        }
        if (!u.spec.xfleet().machineOf().isEmpty()) {
            placeWithPeers(u);
        } else if (u.spec.xfleet().machineId().isPresent()) {
            placeOnMachineId(u, u.spec.xfleet().machineId().get());
        } else {
            placeLeastLoaded(u);
        }
    }

    /**
     * Replaces: the unit goes where a unit it replaces runs, and that unit (with its MachineOf followers)
     * is placed again elsewhere. Never along a Replaces ring (units in a ring only keep apart), so a unit
     * cannot displace, directly or not, the unit that displaced it: no ping-pong within or across passes.
     */
    private boolean takeReplacedMachine(PlannedUnit u) {
        List<MachineSlot> tried = new ArrayList<>(1);
        for (PlannedUnit v : replacedBy(u, allUnits())) {
            MachineSlot m = v.current;
            if (m == null || tried.contains(m) || reachesViaReplaces(v, u)) {
                continue;
            }
            tried.add(m);
            List<PlannedUnit> leaving = leavingIfTaken(u, m);
            if (leaving.isEmpty() || followsAnyOf(u, leaving) || rejection(u, m, leaving) != null) {
                continue;
            }
            List<String> gone = new ArrayList<>();
            for (PlannedUnit w : leaving) {
                if (w.current == m && u.rules.replaces(w.name)) {
                    gone.add(w.name);
                    displaced.addAll(evict(w, "replaced by " + u.name + " on " + m.shortId));
                    evictedWhilePlacing = true;
                }
            }
            assign(u, m);
            u.placementReason = "replaces " + String.join(", ", gone) + " on " + m.shortId;
            return true;
        }
        return false;
    }

    /** The units that leave {@code m} if {@code u} takes it: those it replaces, then their MachineOf followers. */
    private List<PlannedUnit> leavingIfTaken(PlannedUnit u, MachineSlot m) {
        List<PlannedUnit> leaving = new ArrayList<>();
        for (PlannedUnit w : m.units) {
            if (u.rules.replaces(w.name) && !reachesViaReplaces(w, u)) {
                leaving.add(w);
            }
        }
        for (int i = 0; i < leaving.size(); i++) {
            for (PlannedUnit f : followers.getOrDefault(leaving.get(i).name, List.of())) {
                if (f.current == m && !leaving.contains(f)) {
                    leaving.add(f);
                }
            }
        }
        return leaving;
    }

    /** Whether one of {@code u}'s MachineOf peers is among {@code units} (it cannot both follow and displace). */
    private boolean followsAnyOf(PlannedUnit u, List<PlannedUnit> units) {
        for (String peer : u.spec.xfleet().machineOf()) {
            PlannedUnit p = byName.get(peer);
            if (p != null && units.contains(p)) {
                return true;
            }
        }
        return false;
    }

    private void placeWithPeers(PlannedUnit u) {
        MachineSlot m = null;
        for (String peer : u.spec.xfleet().machineOf()) {
            PlannedUnit p = byName.get(peer);
            if (p == null) {
                u.unplacedReason = "MachineOf peer " + peer + " does not exist";
                return;
            }
            if (p.current == null) {
                u.unplacedReason = "MachineOf peer " + peer + " is not scheduled";
                return;
            }
            if (m != null && p.current != m) {
                u.unplacedReason = "MachineOf peers are on different machines (" + m.shortId + ", " + p.current.shortId + ")";
                return;
            }
            m = p.current;
        }
        String why = rejection(u, m, null);
        if (why == null) {
            u.placementReason = "placed with MachineOf " + String.join(", ", u.spec.xfleet().machineOf()) + " on " + m.shortId;
            assign(u, m);
        } else {
            u.unplacedReason = why;
        }
    }

    private void placeOnMachineId(PlannedUnit u, String machineId) {
        List<MachineSlot> candidates = new ArrayList<>();
        MachineSlot exact = slotById.get(machineId);
        if (exact != null) {
            candidates.add(exact);
        } else {
            candidates.addAll(slotsByShortId.getOrDefault(machineId, List.of()));
            candidates.sort(MachineSlot.LEAST_LOADED);
        }
        if (candidates.isEmpty()) {
            u.unplacedReason = "MachineID " + machineId + " is not in the cluster";
            return;
        }
        String firstWhy = null;
        for (MachineSlot m : candidates) {
            String why = rejection(u, m, null);
            if (why == null) {
                u.placementReason = "placed on " + m.shortId + " named by MachineID";
                assign(u, m);
                return;
            }
            firstWhy = firstWhy == null ? why : firstWhy;
        }
        u.unplacedReason = firstWhy;
    }

    private void placeLeastLoaded(PlannedUnit u) {
        if (slots.length == 0) {
            u.unplacedReason = "no machines in the cluster";
            return;
        }
        MetadataFilter filter = u.rules.metadata();
        NavigableSet<MachineSlot> candidates = passingInLoadOrder(filter);
        boolean prefiltered = candidates != null;
        if (!prefiltered) {
            candidates = loadOrder();
        }
        int metadataRejects = prefiltered ? slots.length - candidates.size() : 0;
        int exclusionRejects = 0;
        String firstExclusion = null;
        MachineSlot chosen = null;
        ExclusionCheck exclusions = new ExclusionCheck(u);
        for (MachineSlot m : candidates) {
            if (!prefiltered && !filter.passes(m.machine.metadata())) {
                metadataRejects++;
                continue;
            }
            if (exclusions.excludes(m)) {
                exclusionRejects++;
                if (firstExclusion == null) {
                    firstExclusion = exclusionOn(u, m, null); // only the first reason is reported
                }
                continue;
            }
            chosen = m;
            break;
        }
        if (chosen != null) {
            int load = chosen.load();
            u.placementReason = "placed on least-loaded machine " + chosen.shortId + " (" + load
                    + (load == 1 ? " unit)" : " units)");
            assign(u, chosen);
            return;
        }
        StringBuilder why = new StringBuilder("no machine can run it (" + slots.length + " checked)");
        if (metadataRejects > 0) {
            why.append("; ").append(metadataRejects).append(" fail MachineMetadata ").append(u.rules.metadataDescription());
        }
        if (exclusionRejects > 0) {
            why.append("; ").append(exclusionRejects).append(" excluded by Conflicts/Replaces, e.g. ").append(firstExclusion);
        }
        u.unplacedReason = why.toString();
    }

    /** Every machine, least loaded first. */
    private NavigableSet<MachineSlot> loadOrder() {
        if (byLoad == null) {
            byLoad = new TreeSet<>(MachineSlot.LEAST_LOADED);
            for (MachineSlot m : slots) {
                m.joinLoadOrder(byLoad);
            }
        }
        return byLoad;
    }

    /**
     * The machines passing {@code filter}, least loaded first; null when the filter is not indexed (more
     * distinct filters than {@link #maxIndexedFilters}): then the caller filters {@link #loadOrder()}.
     * Without it a unit with a selective filter would walk past every less loaded machine, which makes
     * placing many such units quadratic.
     */
    private NavigableSet<MachineSlot> passingInLoadOrder(MetadataFilter filter) {
        if (filter.isEmpty()) {
            return loadOrder();
        }
        NavigableSet<MachineSlot> order = byLoadPassing.get(filter);
        if (order == null && byLoadPassing.size() < maxIndexedFilters) {
            order = new TreeSet<>(MachineSlot.LEAST_LOADED);
            for (MachineSlot m : slots) {
                if (filter.passes(m.machine.metadata())) {
                    m.joinLoadOrder(order);
                }
            }
            byLoadPassing.put(filter, order);
        }
        return order;
    }

    /**
     * Why {@code u} cannot go on {@code m} now, or null. Units in {@code absent} (may be null) count as gone.
     */
    private String rejection(PlannedUnit u, MachineSlot m, List<PlannedUnit> absent) {
        Optional<String> id = u.spec.xfleet().machineId();
        if (id.isPresent() && !m.answersTo(id.get())) {
            return "MachineID " + id.get() + " does not name machine " + m.shortId;
        }
        String mismatch = u.rules.metadataMismatch(m.machine.metadata());
        if (mismatch != null) {
            return "machine " + m.shortId + " fails " + mismatch;
        }
        if (!u.spec.xfleet().machineOf().isEmpty()) {
            String why = machineOfViolation(u, m);
            if (why != null) {
                return why;
            }
        }
        return exclusionOn(u, m, absent);
    }

    /** Why {@code u}'s MachineOf peers do not all sit on {@code m}, or null. */
    private String machineOfViolation(PlannedUnit u, MachineSlot m) {
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

    /** Conflicts (both ways) and Replaces between {@code u} and the units now on {@code m}; null when none. */
    private String exclusionOn(PlannedUnit u, MachineSlot m, List<PlannedUnit> absent) {
        UnitRules r = u.rules;
        if (r.excludesAny()) {
            String why = literalExclusion(u, r.conflictNames(), m, absent);
            if (why == null) {
                why = literalExclusion(u, r.replacesNames(), m, absent);
            }
            if (why != null) {
                return why;
            }
            if (r.hasWildcardExclusions()) {
                for (PlannedUnit v : m.units) {
                    if (v != u && !ignored(v, absent)) {
                        why = r.exclusionWith(v.rules, m.shortId);
                        if (why != null) {
                            return why;
                        }
                    }
                }
            }
        }
        for (PlannedUnit v : m.excluders) {
            if (v != u && !ignored(v, absent)) {
                String why = r.exclusionWith(v.rules, m.shortId);
                if (why != null) {
                    return why;
                }
            }
        }
        return null;
    }

    /**
     * Answers, machine after machine, whether {@link #exclusionOn exclusionOn(u, m, null)} would find a
     * reason, without building one: the same checks, split by who declares them, with {@code u}'s own rules
     * resolved once (the units it names, the {@link GlobPresence} counts of its globs). A neighbour can only
     * exclude {@code u} through its own rules if it has some, i.e. if it is in {@code m.excluders}.
     */
    private final class ExclusionCheck {
        private final PlannedUnit u;
        /** Units {@code u} names in Conflicts/Replaces (itself left out). */
        private final List<PlannedUnit> named = new ArrayList<>(0);
        private final List<UnitGlob> globs;
        /** Per glob, its live presence counts, or null when the glob is not indexed. */
        private final int[][] counts;

        ExclusionCheck(PlannedUnit u) {
            this.u = u;
            UnitRules r = u.rules;
            for (Set<String> names : List.of(r.conflictNames(), r.replacesNames())) {
                for (String n : names) {
                    PlannedUnit v = byName.get(n);
                    if (v != null && v != u) {
                        named.add(v);
                    }
                }
            }
            this.globs = r.exclusionGlobs();
            this.counts = new int[globs.size()][];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = globPresence.countsFor(globs.get(i));
            }
        }

        boolean excludes(MachineSlot m) {
            for (PlannedUnit v : named) {
                if (v.current == m) {
                    return true;
                }
            }
            for (int i = 0; i < counts.length; i++) {
                if (hostsMatch(i, m)) {
                    return true;
                }
            }
            for (PlannedUnit v : m.excluders) {
                if (v != u && (v.rules.conflictsWith(u.name) || v.rules.replaces(u.name))) {
                    return true;
                }
            }
            return false;
        }

        /** Whether a unit other than {@code u} on {@code m} matches glob {@code i}. */
        private boolean hostsMatch(int i, MachineSlot m) {
            UnitGlob g = globs.get(i);
            if (counts[i] == null) {
                for (PlannedUnit v : m.units) {
                    if (v != u && g.matches(v.name)) {
                        return true;
                    }
                }
                return false;
            }
            return counts[i][m.rank] - (u.current == m && g.matches(u.name) ? 1 : 0) > 0;
        }
    }

    private String literalExclusion(PlannedUnit u, Iterable<String> names, MachineSlot m, List<PlannedUnit> absent) {
        for (String n : names) {
            PlannedUnit v = byName.get(n);
            if (v != null && v != u && v.current == m && !ignored(v, absent)) {
                return u.rules.exclusionWith(v.rules, m.shortId);
            }
        }
        return null;
    }

    private static boolean ignored(PlannedUnit v, List<PlannedUnit> absent) {
        return absent != null && absent.contains(v);
    }

    /** Whether {@code from} replaces {@code to}, directly or through a chain of Replaces. */
    private boolean reachesViaReplaces(PlannedUnit from, PlannedUnit to) {
        if (!from.rules.replacesAny()) {
            return false;
        }
        List<PlannedUnit> frontier = new ArrayList<>(List.of(from));
        java.util.Set<PlannedUnit> seen = new java.util.HashSet<>(frontier);
        for (int i = 0; i < frontier.size(); i++) {
            PlannedUnit x = frontier.get(i);
            if (!x.rules.replacesAny()) {
                continue;
            }
            for (PlannedUnit y : replacedBy(x, allUnits())) {
                if (y == to) {
                    return true;
                }
                if (seen.add(y)) {
                    frontier.add(y);
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- working placement

    private void assign(PlannedUnit u, MachineSlot m) {
        m.changeLoad(1);
        m.units.add(u);
        if (u.rules.excludesAny()) {
            m.excluders.add(u);
        }
        GlobPresence.moved(u, m, 1);
        u.current = m;
        u.decision = ++decisions;
    }

    private void release(PlannedUnit u) {
        MachineSlot m = u.current;
        m.changeLoad(-1);
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
    private List<PlannedUnit> evict(PlannedUnit u, String reason) {
        List<PlannedUnit> out = new ArrayList<>();
        release(u);
        u.evictionReason = reason;
        out.add(u);
        for (int i = 0; i < out.size(); i++) {
            PlannedUnit left = out.get(i);
            for (PlannedUnit f : followers.getOrDefault(left.name, List.of())) {
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

    // ---------------------------------------------------------------- phase 3: tasks

    private Plan buildPlan() {
        List<Task> unschedules = new ArrayList<>();
        List<PlannedUnit> moved = new ArrayList<>();
        List<PlannedUnit> scheduled = new ArrayList<>();
        List<Unplaced> unplaced = new ArrayList<>();
        for (PlannedUnit u : units) {
            String original = u.spec.targetMachine().orElse(null);
            MachineSlot now = u.current;
            if (now == null && u.spec.wantsMachine()) {
                unplaced.add(new Unplaced(u.name, Objects.requireNonNullElse(u.unplacedReason, "not placed")));
            }
            if (original == null) {
                if (now != null) {
                    scheduled.add(u);
                }
            } else if (now == null) {
                String reason = Objects.requireNonNullElse(u.evictionReason, "no longer placed");
                if (u.spec.wantsMachine() && u.unplacedReason != null) {
                    reason += "; cannot be placed again: " + u.unplacedReason;
                }
                unschedules.add(Task.unschedule(u.name, original, reason));
            } else if (!now.id.equals(original)) {
                moved.add(u);
            }
        }
        Comparator<PlannedUnit> byDecision = Comparator.comparingInt(u -> u.decision);
        moved.sort(byDecision);
        scheduled.sort(byDecision);
        List<Task> tasks = new ArrayList<>(unschedules);
        for (PlannedUnit u : moved) {
            tasks.add(Task.reschedule(u.name, u.spec.targetMachine().orElseThrow(), u.current.id,
                    Objects.requireNonNullElse(u.evictionReason, "moved") + "; " + u.placementReason));
        }
        for (PlannedUnit u : scheduled) {
            tasks.add(Task.schedule(u.name, u.current.id, u.placementReason));
        }
        return new Plan(tasks, unplaced);
    }

    private static String shortOf(String machineId) {
        return machineId.length() <= Machine.SHORT_ID_LENGTH ? machineId : machineId.substring(0, Machine.SHORT_ID_LENGTH);
    }
}
