package org.fleetj.scheduler;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The ranker's indexes: every machine that takes new units in {@link Ranking} order, and per MachineMetadata
 * filter the machines that pass it in that order. Built when first needed (a steady pass places nothing) and kept sorted by
 * {@link MachineSlot#changeLoad} as units come and go.
 */
final class LoadOrders {

    private final MachineSlot[] slots;
    private final int maxIndexedFilters;
    private final java.util.Comparator<MachineSlot> ranking;
    /** Every machine in ranking order; built when first needed. */
    private NavigableSet<MachineSlot> byLoad;
    /** Per MachineMetadata filter, the machines that pass it in ranking order; built when first needed. */
    private final Map<MetadataFilter, NavigableSet<MachineSlot>> byLoadPassing = new HashMap<>();

    LoadOrders(MachineSlot[] slots, int maxIndexedFilters, Ranking ranking) {
        this.slots = slots;
        this.ranking = ranking.order;
        this.maxIndexedFilters = maxIndexedFilters;
    }

    /** Every machine that takes new units, in ranking order (least loaded first for {@link Ranking#SPREAD}). */
    NavigableSet<MachineSlot> all() {
        if (byLoad == null) {
            byLoad = new TreeSet<>(ranking);
            for (MachineSlot m : slots) {
                if (m.takesNewUnits()) {
                    m.joinLoadOrder(byLoad);
                }
            }
        }
        return byLoad;
    }

    /**
     * The machines passing {@code filter} that take new units, in ranking order; null when the filter is not indexed (more
     * distinct filters than {@link #maxIndexedFilters}): then the caller filters {@link #all()}.
     * Without it a unit with a selective filter would walk past every less loaded machine, which makes
     * placing many such units quadratic.
     */
    NavigableSet<MachineSlot> passing(MetadataFilter filter) {
        if (filter.isEmpty()) {
            return all();
        }
        NavigableSet<MachineSlot> order = byLoadPassing.get(filter);
        if (order == null && byLoadPassing.size() < maxIndexedFilters) {
            order = new TreeSet<>(ranking);
            for (MachineSlot m : slots) {
                if (m.takesNewUnits() && filter.passes(m.machine.metadata())) {
                    m.joinLoadOrder(order);
                }
            }
            byLoadPassing.put(filter, order);
        }
        return order;
    }
}
