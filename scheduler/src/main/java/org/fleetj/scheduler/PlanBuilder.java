package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Phase 3 of a pass: turns the difference between the snapshot and the working placement into tasks
 * (unschedules first, then moves and new placements in decision order) and lists the units left waiting
 * (for a machine, or to leave a draining one).
 */
final class PlanBuilder {

    private PlanBuilder() {
    }

    static Plan build(PlannedUnit[] units) {
        List<Task> unschedules = new ArrayList<>();
        List<PlannedUnit> moved = new ArrayList<>();
        List<PlannedUnit> scheduled = new ArrayList<>();
        List<Unplaced> unplaced = new ArrayList<>();
        for (PlannedUnit u : units) {
            String original = u.spec.targetMachine().orElse(null);
            MachineSlot now = u.current;
            if (now == null && u.wantsMachine) {
                unplaced.add(new Unplaced(u.name, Objects.requireNonNullElse(u.unplacedReason, "not placed")));
            } else if (now != null && u.drainBlockedReason != null) {
                unplaced.add(new Unplaced(u.name, u.drainBlockedReason));
            }
            if (original == null) {
                if (now != null) {
                    scheduled.add(u);
                }
            } else if (now == null) {
                String reason = Objects.requireNonNullElse(u.evictionReason, "no longer placed");
                if (u.wantsMachine && u.unplacedReason != null) {
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
        List<Task> tasks = new ArrayList<>(unschedules.size() + moved.size() + scheduled.size());
        tasks.addAll(unschedules);
        for (PlannedUnit u : moved) {
            tasks.add(Task.reschedule(u.name, u.spec.targetMachine().orElseThrow(), u.current.id,
                    Objects.requireNonNullElse(u.evictionReason, "moved") + "; " + u.placementReason));
        }
        for (PlannedUnit u : scheduled) {
            tasks.add(Task.schedule(u.name, u.current.id, u.placementReason));
        }
        return new Plan(tasks, unplaced);
    }
}
