package org.fleetj.scheduler;

import java.util.HashMap;
import java.util.Map;
import org.fleetj.unit.UnitGlob;

/**
 * For the Conflicts/Replaces globs a pass asks about, how many units whose name matches each glob sit on
 * each machine. Answers "does any neighbour on this machine match my glob?" with one array read instead of
 * matching the glob against every neighbour, which is what keeps a unit that fits nowhere (e.g. more
 * {@code web@N} instances with {@code Conflicts=web@*.service} than machines) from costing
 * machines x neighbours glob matches on every pass.
 *
 * <p>A glob's counts are built when first asked for and kept current through {@link #moved}: each unit
 * remembers the counts of the globs its name matches. Units are held in name order, so building only
 * looks at the names starting with the glob's literal prefix ({@code web@} for {@code web@*.service}).
 * The number of indexed globs is bounded (a glob without a literal prefix costs a match per unit); beyond
 * it {@link #countsFor} answers null and the caller matches the neighbours itself.
 */
final class GlobPresence {

    private final PlannedUnit[] units;
    private final int machines;
    private final int maxGlobs;
    private final Map<UnitGlob, int[]> counts = new HashMap<>();

    /** @param units every unit of the pass, in name order */
    GlobPresence(PlannedUnit[] units, int machines, int maxGlobs) {
        this.units = units;
        this.machines = machines;
        this.maxGlobs = maxGlobs;
    }

    /**
     * Per machine rank, how many placed units match {@code glob}; null when the glob is not indexed.
     * The array is live: it follows later placements. Callers must not modify it.
     */
    int[] countsFor(UnitGlob glob) {
        int[] c = counts.get(glob);
        if (c == null && counts.size() < maxGlobs) {
            c = new int[machines];
            String prefix = glob.literalPrefix();
            for (int i = firstNameAtOrAfter(prefix); i < units.length && units[i].name.startsWith(prefix); i++) {
                PlannedUnit u = units[i];
                if (glob.matches(u.name)) {
                    u.matchingGlobCounts().add(c);
                    if (u.current != null) {
                        c[u.current.rank]++;
                    }
                }
            }
            counts.put(glob, c);
        }
        return c;
    }

    /** Index of the first unit whose name is not below {@code name} (units.length when there is none). */
    private int firstNameAtOrAfter(String name) {
        int lo = 0;
        int hi = units.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (units[mid].name.compareTo(name) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Records that {@code u} arrived on ({@code delta} 1) or left ({@code delta} -1) machine {@code m}. */
    static void moved(PlannedUnit u, MachineSlot m, int delta) {
        if (u.hasMatchingGlobCounts()) {
            for (int[] c : u.matchingGlobCounts()) {
                c[m.rank] += delta;
            }
        }
    }
}
