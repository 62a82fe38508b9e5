package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The filters that judge one unit on one machine of the working placement, with the reason in words:
 * MachineID, MachineMetadata, MachineOf, Conflicts/Replaces against the units now there, then
 * {@link MachineLimits} (cordon, capacity, MaxPerMachine); plus the
 * Replaces relations between units (who replaces whom, rings). {@link ExclusionCheck} answers the same
 * Conflicts/Replaces question without building a reason, for the ranker's scan.
 */
final class Exclusions {

    private final WorkingPlacement placement;

    Exclusions(WorkingPlacement placement) {
        this.placement = placement;
    }

    /**
     * Why {@code u} cannot go on {@code m} now, or null. Units in {@code absent} (may be null) count as gone.
     */
    String rejection(PlannedUnit u, MachineSlot m, List<PlannedUnit> absent) {
        Optional<String> id = u.spec.xfleet().machineId();
        if (id.isPresent() && !m.answersTo(id.get())) {
            return "MachineID " + id.get() + " does not name machine " + m.shortId;
        }
        String mismatch = u.rules.metadataMismatch(m.machine.metadata());
        if (mismatch != null) {
            return "machine " + m.shortId + " fails " + mismatch;
        }
        if (!u.spec.xfleet().machineOf().isEmpty()) {
            String why = placement.machineOfViolation(u, m);
            if (why != null) {
                return why;
            }
        }
        String why = exclusionOn(u, m, absent);
        return why != null ? why : MachineLimits.rejection(u, m, absent);
    }

    /** Conflicts (both ways) and Replaces between {@code u} and the units now on {@code m}; null when none. */
    String exclusionOn(PlannedUnit u, MachineSlot m, List<PlannedUnit> absent) {
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

    /** A fast yes/no form of {@link #exclusionOn exclusionOn(u, m, null)} for scanning many machines. */
    ExclusionCheck checkFor(PlannedUnit u) {
        return new ExclusionCheck(u, placement);
    }

    private String literalExclusion(PlannedUnit u, Iterable<String> names, MachineSlot m, List<PlannedUnit> absent) {
        for (String n : names) {
            PlannedUnit v = placement.unit(n);
            if (v != null && v != u && v.current == m && !ignored(v, absent)) {
                return u.rules.exclusionWith(v.rules, m.shortId);
            }
        }
        return null;
    }

    private static boolean ignored(PlannedUnit v, List<PlannedUnit> absent) {
        return absent != null && absent.contains(v);
    }

    /** Units (among {@code pool}, or all units for glob patterns) that {@code u} replaces, in name order. */
    List<PlannedUnit> replacedBy(PlannedUnit u, List<PlannedUnit> pool) {
        List<PlannedUnit> out = new ArrayList<>();
        if (u.rules.hasWildcardExclusions()) {
            for (PlannedUnit v : pool) {
                if (u.rules.replaces(v.name)) {
                    out.add(v);
                }
            }
        } else {
            for (String n : u.rules.replacesNames()) {
                PlannedUnit v = placement.unit(n);
                if (v != null && v != u) {
                    out.add(v);
                }
            }
            out.sort(Comparator.comparingInt(v -> v.order));
        }
        return out;
    }

    /** A unit that {@code u} replaces and that replaces {@code u}, and that has a machine now; or null. */
    PlannedUnit placedMutualReplacer(PlannedUnit u) {
        for (PlannedUnit v : replacedBy(u, placement.allUnits())) {
            if (v.current != null && v.rules.replaces(u.name)) {
                return v;
            }
        }
        return null;
    }

    /** Whether {@code from} replaces {@code to}, directly or through a chain of Replaces. */
    boolean reachesViaReplaces(PlannedUnit from, PlannedUnit to) {
        if (!from.rules.replacesAny()) {
            return false;
        }
        List<PlannedUnit> frontier = new ArrayList<>(List.of(from));
        Set<PlannedUnit> seen = new HashSet<>(frontier);
        for (int i = 0; i < frontier.size(); i++) {
            PlannedUnit x = frontier.get(i);
            if (!x.rules.replacesAny()) {
                continue;
            }
            for (PlannedUnit y : replacedBy(x, placement.allUnits())) {
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
}
