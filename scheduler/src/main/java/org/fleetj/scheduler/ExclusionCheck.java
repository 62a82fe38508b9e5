package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.fleetj.unit.UnitGlob;

/**
 * Answers, machine after machine, whether {@link Exclusions#exclusionOn exclusionOn(u, m, null)} would find a
 * reason, without building one: the same checks, split by who declares them, with {@code u}'s own rules
 * resolved once (the units it names, the {@link GlobPresence} counts of its globs). A neighbour can only
 * exclude {@code u} through its own rules if it has some, i.e. if it is in {@code m.excluders}.
 */
final class ExclusionCheck {
    private static final int[][] NO_COUNTS = new int[0][];

    private final PlannedUnit u;
    /** Units {@code u} names in Conflicts/Replaces (itself left out). */
    private final List<PlannedUnit> named;
    private final List<UnitGlob> globs;
    /** Per glob, its live presence counts, or null when the glob is not indexed. */
    private final int[][] counts;

    ExclusionCheck(PlannedUnit u, WorkingPlacement placement) {
        this.u = u;
        UnitRules r = u.rules;
        this.globs = r.exclusionGlobs();
        if (!r.excludesAny()) {
            // Most units declare neither Conflicts nor Replaces and one check is made per unit placed: nothing
            // to resolve, only the neighbours' rules to ask.
            this.named = List.of();
            this.counts = NO_COUNTS;
            return;
        }
        this.named = new ArrayList<>(0);
        for (Set<String> names : List.of(r.conflictNames(), r.replacesNames())) {
            for (String n : names) {
                PlannedUnit v = placement.unit(n);
                if (v != null && v != u) {
                    named.add(v);
                }
            }
        }
        this.counts = new int[globs.size()][];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = placement.globPresence.countsFor(globs.get(i));
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
