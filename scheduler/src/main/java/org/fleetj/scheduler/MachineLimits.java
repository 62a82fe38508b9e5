package org.fleetj.scheduler;

import java.util.List;
import org.fleetj.unit.Resources;

/**
 * The filters this project adds to fleet's: a cordoned or draining machine takes no new unit; a unit goes only
 * where what it requests fits in what is left of the capacity; at most MaxPerMachine instances of a template
 * share a machine. Each answers why not in words, or null.
 */
final class MachineLimits {

    private MachineLimits() {
    }

    /** Why {@code u} cannot go on {@code m} for one of these rules, or null. Units in {@code absent} count as gone. */
    static String rejection(PlannedUnit u, MachineSlot m, List<PlannedUnit> absent) {
        if (!m.takesNewUnits()) {
            return unavailable(m);
        }
        String over = overLimit(u, m, absent);
        if (over != null) {
            return over;
        }
        Resources freed = Resources.NONE;
        if (absent != null) {
            for (PlannedUnit v : absent) {
                if (v.current == m) {
                    freed = freed.plus(v.request);
                }
            }
        }
        return m.fits(u.request, freed) ? null : lacks(u, m);
    }

    static String unavailable(MachineSlot m) {
        return "machine " + m.shortId + " is " + (m.machine.availability().draining() ? "draining" : "cordoned");
    }

    /** Whether {@code u} may not join {@code m} because of MaxPerMachine (without building a reason). */
    static boolean atLimit(PlannedUnit u, MachineSlot m) {
        int max = u.spec.xfleet().placement().maxPerMachine();
        return max > 0 && u.tally != null && u.tally.on(m) - (u.current == m ? 1 : 0) >= max;
    }

    private static String overLimit(PlannedUnit u, MachineSlot m, List<PlannedUnit> absent) {
        if (!atLimit(u, m)) {
            return null;
        }
        int max = u.spec.xfleet().placement().maxPerMachine();
        int leaving = 0;
        if (absent != null) {
            for (PlannedUnit v : absent) {
                leaving += v.current == m && u.template.equals(v.template) ? 1 : 0;
            }
        }
        return u.tally.on(m) - leaving >= max ? limitReason(u, m) : null;
    }

    static String limitReason(PlannedUnit u, MachineSlot m) {
        int max = u.spec.xfleet().placement().maxPerMachine();
        return "machine " + m.shortId + " already runs " + u.tally.on(m) + " instance" + (u.tally.on(m) == 1 ? "" : "s")
                + " of " + u.template + " (MaxPerMachine=" + max + ")";
    }

    /** Why {@code u}'s request does not fit on {@code m}. */
    static String lacks(PlannedUnit u, MachineSlot m) {
        Resources r = u.request;
        if (r.cpuMillis() > 0 && !m.fits(new Resources(r.cpuMillis(), 0), Resources.NONE)) {
            return "machine " + m.shortId + " lacks " + Resources.formatCpu(r.cpuMillis()) + " (" + Resources.formatCpu(Math.max(0, m.cpuFree())) + " free)";
        }
        return "machine " + m.shortId + " lacks " + Resources.formatMemory(r.memoryBytes()) + " of memory ("
                + Resources.formatMemory(Math.max(0, m.memoryFree())) + " free)";
    }
}
