package org.fleetj.scheduler;

import java.util.Optional;
import org.fleetj.unit.Resources;

/**
 * The reason a unit that fits nowhere gives, by group of machines and the first rule that keeps each group
 * out, e.g. {@code no machine can run it (4 checked); 1 cordoned or draining; 2 fail MachineMetadata role=db;
 * 1 lack 1.5 GiB of memory (at most 1 GiB free)}. Only built when placement failed, so it may look at every
 * machine.
 */
final class WhyUnplaced {

    private WhyUnplaced() {
    }

    static String of(PlannedUnit u, WorkingPlacement placement, Exclusions exclusions) {
        MachineSlot[] slots = placement.slots;
        Optional<String> spreadBy = u.spreadBy();
        int unavailable = 0;
        int metadata = 0;
        int lackKey = 0;
        int atLimit = 0;
        int excluded = 0;
        int lackCpu = 0;
        int lackMemory = 0;
        long mostCpuFree = 0;
        long mostMemoryFree = 0;
        String firstExclusion = null;
        String firstLimit = null;
        ExclusionCheck check = exclusions.checkFor(u);
        Resources r = u.request;
        for (MachineSlot m : slots) {
            if (!m.takesNewUnits()) {
                unavailable++;
            } else if (!u.rules.metadata().passes(m.machine.metadata())) {
                metadata++;
            } else if (spreadBy.isPresent() && !m.machine.metadata().containsKey(spreadBy.get())) {
                lackKey++;
            } else if (MachineLimits.atLimit(u, m)) {
                atLimit++;
                firstLimit = firstLimit == null ? MachineLimits.limitReason(u, m) : firstLimit;
            } else if (check.excludes(m)) {
                excluded++;
                firstExclusion = firstExclusion == null ? exclusions.exclusionOn(u, m, null) : firstExclusion;
            } else if (r.cpuMillis() > 0 && !m.fits(new Resources(r.cpuMillis(), 0), Resources.NONE)) {
                lackCpu++;
                mostCpuFree = Math.max(mostCpuFree, m.cpuFree());
            } else if (!m.fits(r, Resources.NONE)) {
                lackMemory++;
                mostMemoryFree = Math.max(mostMemoryFree, m.memoryFree());
            }
        }
        StringBuilder why = new StringBuilder("no machine can run it (" + slots.length + " checked)");
        if (unavailable > 0) {
            why.append("; ").append(unavailable).append(" cordoned or draining");
        }
        if (metadata > 0) {
            why.append("; ").append(metadata).append(" fail MachineMetadata ").append(u.rules.metadataDescription());
        }
        if (lackKey > 0) {
            why.append("; ").append(lackKey).append(" lack metadata ").append(spreadBy.orElseThrow()).append(" (SpreadBy)");
        }
        if (atLimit > 0) {
            why.append("; ").append(atLimit).append(" at MaxPerMachine=").append(u.spec.xfleet().placement().maxPerMachine())
                    .append(" for ").append(u.template).append(", e.g. ").append(firstLimit);
        }
        if (excluded > 0) {
            why.append("; ").append(excluded).append(" excluded by Conflicts/Replaces, e.g. ").append(firstExclusion);
        }
        if (lackCpu > 0) {
            why.append("; ").append(lackCpu).append(" lack ").append(Resources.formatCpu(r.cpuMillis()))
                    .append(" (at most ").append(Resources.formatCpu(Math.max(0, mostCpuFree))).append(" free)");
        }
        if (lackMemory > 0) {
            why.append("; ").append(lackMemory).append(" lack ").append(Resources.formatMemory(r.memoryBytes()))
                    .append(" of memory (at most ").append(Resources.formatMemory(Math.max(0, mostMemoryFree))).append(" free)");
        }
        return why.toString();
    }
}
