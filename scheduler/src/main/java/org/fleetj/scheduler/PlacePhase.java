package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Phase 2 of a pass: places every unit that wants a machine and has none, in name order except that a
 * MachineOf peer goes before its followers and a replacing unit before the units it replaces; units displaced
 * meanwhile (Replaces) are placed again at once. Where each unit goes is {@link UnitPlacer}'s decision.
 */
final class PlacePhase {

    private final WorkingPlacement placement;
    private final Exclusions exclusions;
    private final UnitPlacer placer;

    PlacePhase(WorkingPlacement placement, Exclusions exclusions, UnitPlacer placer) {
        this.placement = placement;
        this.exclusions = exclusions;
        this.placer = placer;
    }

    void run() {
        placeInOrder(waiting());
        // A displacement (Replaces) frees room that units tried earlier in the pass may use: try them again,
        // so the result is already what the next pass would reach. Each displacement consumes a unit still
        // on its snapshot machine, so this ends.
        while (placer.takeEvictedWhilePlacing()) {
            placeInOrder(waiting());
        }
    }

    private List<PlannedUnit> waiting() {
        List<PlannedUnit> queue = new ArrayList<>();
        for (PlannedUnit u : placement.units) {
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
                placer.place(next);
            }
            PlannedUnit d;
            while ((d = placer.pollDisplaced()) != null) {
                if (d.current == null && d.wantsMachine) {
                    placer.place(d);
                }
            }
        }
    }

    /** Adds ordering edges among queued units: a MachineOf peer before its followers, a replacing unit before the replaced. */
    private void orderPeersFirst(List<PlannedUnit> queue) {
        for (PlannedUnit u : queue) {
            for (String peer : u.spec.xfleet().machineOf()) {
                PlannedUnit p = placement.unit(peer);
                if (p != null && p != u && isQueued(p)) {
                    edge(p, u);
                }
            }
            if (u.rules.replacesAny()) {
                for (PlannedUnit v : exclusions.replacedBy(u, queue)) {
                    if (isQueued(v) && !v.rules.replaces(u.name)) {
                        edge(u, v);
                    }
                }
            }
        }
    }

    private static boolean isQueued(PlannedUnit u) {
        return u.current == null && u.wantsMachine;
    }

    private static void edge(PlannedUnit before, PlannedUnit after) {
        before.successors.add(after);
        after.pendingPredecessors++;
    }
}
