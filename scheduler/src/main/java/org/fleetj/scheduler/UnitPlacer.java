package org.fleetj.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NavigableSet;

/**
 * Finds one unit a machine: the machine of a unit it replaces, its MachineOf peers' machine, the machine its
 * MachineID names, or else the least-loaded machine passing every filter. Records why it went there, or why
 * it could not go anywhere.
 */
final class UnitPlacer {

    private final WorkingPlacement placement;
    private final Exclusions exclusions;
    private final LoadOrders loadOrders;
    /** Units that lost their machine while placing others (displaced by Replaces, or following them). */
    private final Deque<PlannedUnit> displaced = new ArrayDeque<>();
    private boolean evictedWhilePlacing;

    UnitPlacer(WorkingPlacement placement, Exclusions exclusions, LoadOrders loadOrders) {
        this.placement = placement;
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
            candidates.sort(MachineSlot.LEAST_LOADED);
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
        int machines = placement.slots.length;
        if (machines == 0) {
            u.unplacedReason = "no machines in the cluster";
            return;
        }
        MetadataFilter filter = u.rules.metadata();
        NavigableSet<MachineSlot> candidates = loadOrders.passing(filter);
        boolean prefiltered = candidates != null;
        if (!prefiltered) {
            candidates = loadOrders.all();
        }
        int metadataRejects = prefiltered ? machines - candidates.size() : 0;
        int exclusionRejects = 0;
        String firstExclusion = null;
        MachineSlot chosen = null;
        ExclusionCheck check = exclusions.checkFor(u);
        for (MachineSlot m : candidates) {
            if (!prefiltered && !filter.passes(m.machine.metadata())) {
                metadataRejects++;
                continue;
            }
            if (check.excludes(m)) {
                exclusionRejects++;
                if (firstExclusion == null) {
                    firstExclusion = exclusions.exclusionOn(u, m, null); // only the first reason is reported
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
            placement.assign(u, chosen);
            return;
        }
        StringBuilder why = new StringBuilder("no machine can run it (" + machines + " checked)");
        if (metadataRejects > 0) {
            why.append("; ").append(metadataRejects).append(" fail MachineMetadata ").append(u.rules.metadataDescription());
        }
        if (exclusionRejects > 0) {
            why.append("; ").append(exclusionRejects).append(" excluded by Conflicts/Replaces, e.g. ").append(firstExclusion);
        }
        u.unplacedReason = why.toString();
    }
}
