package org.fleetj.scheduler;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The ranker's indexes: every machine in least-loaded order, and per MachineMetadata filter the machines that
 * pass it in that order. Built when first needed (a steady pass places nothing) and kept sorted by
 * {@link MachineSlot#changeLoad} as units come and go.
 */
final class LoadOrders {

    private final MachineSlot[] slots;
    private final int maxIndexedFilters;
    /** Every machine in least-loaded order; built when first needed. */
    private NavigableSet<MachineSlot> byLoad;
    /** Per MachineMetadata filter, the machines that pass it in least-loaded order; built when first needed. */
    private final Map<MetadataFilter, NavigableSet<MachineSlot>> byLoadPassing = new HashMap<>();

    LoadOrders(MachineSlot[] slots, int maxIndexedFilters) {
        this.slots = slots;
        this.maxIndexedFilters = maxIndexedFilters;
    }

    /** Every machine, least loaded first. */
    NavigableSet<MachineSlot> all() {
        if (byLoad == null) {
            byLoad = new TreeSet<>(MachineSlot.LEAST_LOADED);
            for (MachineSlot m : slots) {
                m.joinLoadOrder(byLoad);
            }
        }
        return byLoad;
    }

    /**
     * The machines passing {@code filter}, least loaded first; null when the filter is not indexed (more
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
            order = new TreeSet<>(MachineSlot.LEAST_LOADED);
            for (MachineSlot m : slots) {
                if (filter.passes(m.machine.metadata())) {
                    m.joinLoadOrder(order);
                }
            }
            byLoadPassing.put(filter, order);
        }
        return order;
    }
}
