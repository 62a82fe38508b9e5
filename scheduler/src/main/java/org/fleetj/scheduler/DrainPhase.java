package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * After placing, moves units off draining machines, at most {@code movesPerPass} per pass so a drain never
 * moves everything at once: each pass the engine runs moves a few more. A unit moves only to a machine that
 * passes every rule (a draining machine takes no new unit); one that cannot move now stays where it runs (it
 * is never stopped for lack of room) and says why. A unit followed through MachineOf moves with its followers,
 * or not at all; followers never move on their own. A unit whose MachineID names the machine cannot move.
 */
final class DrainPhase {

    private final WorkingPlacement placement;
    private final UnitPlacer placer;
    private final int movesPerPass;

    DrainPhase(WorkingPlacement placement, UnitPlacer placer, int movesPerPass) {
        this.placement = placement;
        this.placer = placer;
        this.movesPerPass = movesPerPass;
    }

    void run() {
        int budget = movesPerPass;
        for (MachineSlot m : placement.slots) {
            if (!m.machine.availability().draining() || m.units.isEmpty()) {
                continue;
            }
            List<PlannedUnit> here = new ArrayList<>(m.units);
            here.sort((a, b) -> Integer.compare(a.order, b.order));
            for (PlannedUnit u : here) {
                if (u.current != m || !u.spec.xfleet().machineOf().isEmpty() && followsPeerHere(u, m)) {
                    continue; // moved meanwhile, or moves with its peer
                }
                if (u.spec.xfleet().machineId().isPresent()) {
                    u.drainBlockedReason = "cannot leave draining machine " + m.shortId + ": its MachineID names it";
                    continue;
                }
                if (budget <= 0) {
                    u.drainBlockedReason = "waiting to leave draining machine " + m.shortId + " (" + movesPerPass
                            + " units move per engine pass)";
                    continue;
                }
                budget -= tryMove(u, m);
                PlannedUnit d;
                while ((d = placer.pollDisplaced()) != null) { // a moved unit may have replaced one elsewhere
                    if (d.current == null && d.wantsMachine) {
                        placer.place(d);
                    }
                }
            }
        }
    }

    private boolean followsPeerHere(PlannedUnit u, MachineSlot m) {
        for (String peer : u.spec.xfleet().machineOf()) {
            PlannedUnit p = placement.unit(peer);
            if (p != null && p.current == m) {
                return true;
            }
        }
        return false;
    }

    /** Moves {@code u} and its followers off {@code m}, or none of them; returns how many moved. */
    private int tryMove(PlannedUnit u, MachineSlot m) {
        String reason = "machine " + m.shortId + " is draining";
        List<PlannedUnit> group = placement.evict(u, reason);
        for (PlannedUnit v : group) {
            placer.place(v);
            if (v.current == null) {
                String why = v.unplacedReason;
                rollBack(group, m);
                u.drainBlockedReason = "cannot leave draining machine " + m.shortId + " now"
                        + (v == u ? "" : " with its MachineOf follower " + v.name) + ": " + why;
                return 0;
            }
        }
        return group.size();
    }

    private void rollBack(List<PlannedUnit> group, MachineSlot m) {
        for (PlannedUnit v : group) {
            if (v.current != null) {
                placement.release(v);
            }
        }
        for (PlannedUnit v : group) {
            placement.assign(v, m);
            v.evictionReason = null;
            v.placementReason = null;
            v.unplacedReason = null;
        }
    }
}
