package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetj.unit.TargetState;

/**
 * Phase 1 of a pass: keep every unit that may stay where the snapshot has it, unscheduling the rest (machine
 * gone, inactive, no longer eligible, MachineOf broken, conflicting with or replaced by a neighbour).
 */
final class KeepPhase {

    private final WorkingPlacement placement;
    private final Exclusions exclusions;

    KeepPhase(WorkingPlacement placement, Exclusions exclusions) {
        this.placement = placement;
        this.exclusions = exclusions;
    }

    void run() {
        for (PlannedUnit u : placement.units) {
            Optional<String> target = u.spec.targetMachine();
            if (target.isEmpty()) {
                continue;
            }
            MachineSlot m = placement.slot(target.get());
            String why = m == null ? "target machine " + shortOf(target.get()) + " went away" : cannotStay(u, m);
            if (why == null) {
                placement.assign(u, m);
            } else {
                u.evictionReason = why;
            }
        }
        for (PlannedUnit u : placement.units) {
            if (u.current != null && u.rules.replacesAny()) {
                PlannedUnit rival = exclusions.placedMutualReplacer(u);
                if (rival != null) {
                    // Two units that replace each other are alternatives: the first by name keeps running.
                    PlannedUnit loser = u.order > rival.order ? u : rival;
                    PlannedUnit winner = loser == u ? rival : u;
                    placement.evict(loser, "circular Replaces with " + winner.name + ": only one of them runs");
                }
            }
        }
        for (PlannedUnit u : placement.units) {
            if (u.current != null && !u.spec.xfleet().machineOf().isEmpty()) {
                String why = placement.machineOfViolation(u, u.current);
                if (why != null) {
                    placement.evict(u, why);
                }
            }
        }
        for (MachineSlot m : placement.slots) {
            if (!m.excluders.isEmpty()) {
                resolveExclusions(m);
            }
        }
    }

    /** Why a unit may not stay on the machine it is scheduled to (which exists), or null. */
    private static String cannotStay(PlannedUnit u, MachineSlot m) {
        UnitSpec s = u.spec;
        if (!u.wantsMachine) { // one of the three below; asked first as most units want a machine
            if (s.desiredState() == TargetState.INACTIVE) {
                return "desired state is inactive";
            }
            if (s.isTemplate()) {
                return "templates are never scheduled, only their instances";
            }
            if (s.xfleet().global()) {
                return "global units are run by every matching machine's agent, not scheduled by the engine";
            }
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
                    placement.evict(v, "replaced by " + u.name + " on " + m.shortId);
                } else {
                    boolean replaced = v.rules.replaces(u.name) && !u.rules.replaces(v.name);
                    placement.evict(u, replaced ? "replaced by " + v.name + " on " + m.shortId : why);
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

    private static String shortOf(String machineId) {
        return machineId.length() <= Machine.SHORT_ID_LENGTH ? machineId : machineId.substring(0, Machine.SHORT_ID_LENGTH);
    }
}
