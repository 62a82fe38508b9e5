package org.fleetj.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import org.fleetj.unit.Resources;

/**
 * Finds one unit a machine: the machine of a unit it replaces, its MachineOf peers' machine, the machine its
 * MachineID names, or else the first machine in {@link Ranking} order passing every filter (with SpreadBy: within
 * the metadata value that holds fewest of the template's instances). Records why it went there, or why it could
 * not go anywhere ({@link WhyUnplaced}).
 */
final class UnitPlacer {

    private final WorkingPlacement placement;
    private final Exclusions exclusions;
    private final LoadOrders loadOrders;
    private final Ranking ranking;
    /**
     * Per unit filter and SpreadBy key, the filter plus one value of the key per value, so equal filters share a
     * load order (and are built once, not per unit placed).
     */
    private final Map<MetadataFilter, Map<String, Map<String, MetadataFilter>>> spreadFilters = new HashMap<>();
    /** Units that lost their machine while placing others (displaced by Replaces, or following them). */
    private final Deque<PlannedUnit> displaced = new ArrayDeque<>();
    private boolean evictedWhilePlacing;

    UnitPlacer(WorkingPlacement placement, Exclusions exclusions, LoadOrders loadOrders, Ranking ranking) {
        this.placement = placement;
        this.ranking = ranking;
        this.exclusions = exclusions;
        this.loadOrders = loadOrders;
    }

    /** The next unit displaced by a placement and not yet handed out, or null. */
    PlannedUnit pollDisplaced() {
        return displaced.poll();
    }

    /** Whether a placement displaced a unit since the last call (and clears that). */
    boolean takeEvictedWhilePlacing() {
        boolean was = evictedWhilePlacing;
        evictedWhilePlacing = false;
        return was;
    }

    void place(PlannedUnit u) {
        u.unplacedReason = null;
        if (u.rules.replacesAny()) {
            PlannedUnit rival = exclusions.placedMutualReplacer(u);
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
        for (PlannedUnit v : exclusions.replacedBy(u, placement.allUnits())) {
            MachineSlot m = v.current;
            if (m == null || tried.contains(m) || exclusions.reachesViaReplaces(v, u)) {
                continue;
            }
            tried.add(m);
            List<PlannedUnit> leaving = leavingIfTaken(u, m);
            if (leaving.isEmpty() || followsAnyOf(u, leaving) || exclusions.rejection(u, m, leaving) != null) {
                continue;
            }
            List<String> gone = new ArrayList<>();
            for (PlannedUnit w : leaving) {
                if (w.current == m && u.rules.replaces(w.name)) {
                    gone.add(w.name);
                    displaced.addAll(placement.evict(w, "replaced by " + u.name + " on " + m.shortId));
                    evictedWhilePlacing = true;
                }
            }
            placement.assign(u, m);
            u.placementReason = "replaces " + String.join(", ", gone) + " on " + m.shortId;
            return true;
        }
        return false;
    }

    /** The units that leave {@code m} if {@code u} takes it: those it replaces, then their MachineOf followers. */
    private List<PlannedUnit> leavingIfTaken(PlannedUnit u, MachineSlot m) {
        List<PlannedUnit> leaving = new ArrayList<>();
        for (PlannedUnit w : m.units) {
            if (u.rules.replaces(w.name) && !exclusions.reachesViaReplaces(w, u)) {
                leaving.add(w);
            }
        }
        for (int i = 0; i < leaving.size(); i++) {
            for (PlannedUnit f : placement.followersOf(leaving.get(i).name)) {
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
            PlannedUnit p = placement.unit(peer);
            if (p != null && units.contains(p)) {
                return true;
            }
        }
        return false;
    }

    private void placeWithPeers(PlannedUnit u) {
        MachineSlot m = null;
        for (String peer : u.spec.xfleet().machineOf()) {
            PlannedUnit p = placement.unit(peer);
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
        String why = exclusions.rejection(u, m, null);
        if (why == null) {
            u.placementReason = "placed with MachineOf " + String.join(", ", u.spec.xfleet().machineOf()) + " on " + m.shortId;
            placement.assign(u, m);
        } else {
            u.unplacedReason = why;
        }
    }

    private void placeOnMachineId(PlannedUnit u, String machineId) {
        List<MachineSlot> candidates = new ArrayList<>();
        MachineSlot exact = placement.slot(machineId);
        if (exact != null) {
            candidates.add(exact);
        } else {
            candidates.addAll(placement.slotsWithShortId(machineId));
            candidates.sort(ranking.order);
        }
        if (candidates.isEmpty()) {
            u.unplacedReason = "MachineID " + machineId + " is not in the cluster";
            return;
        }
        String firstWhy = null;
        for (MachineSlot m : candidates) {
            String why = exclusions.rejection(u, m, null);
            if (why == null) {
                u.placementReason = "placed on " + m.shortId + " named by MachineID";
                placement.assign(u, m);
                return;
            }
            firstWhy = firstWhy == null ? why : firstWhy;
        }
        u.unplacedReason = firstWhy;
    }

    private void placeLeastLoaded(PlannedUnit u) {
        if (placement.slots.length == 0) {
            u.unplacedReason = "no machines in the cluster";
            return;
        }
        var spreadBy = u.spreadBy();
        MachineSlot chosen = spreadBy.isPresent() ? firstAcceptableSpread(u, spreadBy.get()) : firstAcceptable(u, u.rules.metadata());
        if (chosen == null) {
            u.unplacedReason = WhyUnplaced.of(u, placement, exclusions);
            return;
        }
        int load = chosen.load();
        u.placementReason = "placed on " + (ranking == Ranking.SPREAD ? "least-loaded" : "most-loaded fitting") + " machine "
                + chosen.shortId + " (" + load + (load == 1 ? " unit" : " units")
                + (chosen.share() > 0 ? ", " + chosen.share() / 10_000 + "% reserved" : "") + ")"
                + spreadBy.map(k -> "; spread by " + k + "=" + chosen.machine.metadata().get(k)).orElse("");
        placement.assign(u, chosen);
    }

    /** The first machine in ranking order among those passing {@code filter} that takes {@code u}, or null. */
    private MachineSlot firstAcceptable(PlannedUnit u, MetadataFilter filter) {
        NavigableSet<MachineSlot> candidates = loadOrders.passing(filter);
        boolean prefiltered = candidates != null;
        if (!prefiltered) {
            candidates = loadOrders.all();
        }
        ExclusionCheck check = exclusions.checkFor(u);
        for (MachineSlot m : candidates) {
            if (!prefiltered && !filter.passes(m.machine.metadata())) {
                continue;
            }
            if (check.excludes(m) || MachineLimits.atLimit(u, m) || !m.fits(u.request, Resources.NONE)) {
                continue;
            }
            return m;
        }
        return null;
    }

    /**
     * SpreadBy: the values of the key in order of how few of the template's instances they hold (ties by value),
     * and within the first value that has a machine taking {@code u}, that machine in ranking order.
     */
    private MachineSlot firstAcceptableSpread(PlannedUnit u, String key) {
        List<String> values = new ArrayList<>(placement.valuesOf(key));
        TemplateTally tally = u.tally;
        values.sort(Comparator.comparingInt((String v) -> tally.withValue(key, v)).thenComparing(v -> v));
        MetadataFilter unitFilter = u.rules.metadata();
        Map<String, MetadataFilter> byValue = spreadFilters.computeIfAbsent(unitFilter, f -> new HashMap<>())
                .computeIfAbsent(key, k -> new HashMap<>());
        for (String v : values) {
            MetadataFilter filter = byValue.computeIfAbsent(v, value -> unitFilter.and(key, value));
            MachineSlot m = firstAcceptable(u, filter);
            if (m != null) {
                return m;
            }
        }
        return null;
    }
}
