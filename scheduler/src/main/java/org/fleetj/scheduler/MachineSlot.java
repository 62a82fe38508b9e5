package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import org.fleetj.unit.Resources;

/** A machine's working state during one pass: the units placed on it so far, its load and reserved resources. */
final class MachineSlot {

    final Machine machine;
    final String id;
    final String shortId;
    /** Position of {@link #id} among the pass's machine ids in ascending order. */
    final int rank;
    private final long cpuCapacity;
    private final long memoryCapacity;
    private int load;
    private long cpuUsed;
    private long memoryUsed;
    /** The dominant share of capacity reserved, in millionths (0 without capacity or requests). */
    private long share;
    /** Units on this machine in the order they were put there. */
    final List<PlannedUnit> units = new ArrayList<>();
    /** The subset of {@link #units} that declare Conflicts or Replaces (usually few). */
    final List<PlannedUnit> excluders = new ArrayList<>();
    /** The {@link Ranking} orders this machine is in; they are kept sorted as its load changes. */
    private final List<NavigableSet<MachineSlot>> loadOrders = new ArrayList<>(2);

    MachineSlot(Machine machine, int rank) {
        this.machine = machine;
        this.id = machine.id();
        this.shortId = machine.shortId();
        this.rank = rank;
        this.cpuCapacity = machine.capacity().cpuMillis();
        this.memoryCapacity = machine.capacity().memoryBytes();
    }

    boolean answersTo(String machineId) {
        return id.equals(machineId) || shortId.equals(machineId);
    }

    boolean takesNewUnits() {
        return machine.availability().takesNewUnits();
    }

    int load() {
        return load;
    }

    long share() {
        return share;
    }

    /**
     * Adds {@code delta} units reserving {@code each} to the load, moving this machine within every load order
     * it is in.
     */
    void changeLoad(int delta, Resources each) {
        for (NavigableSet<MachineSlot> order : loadOrders) {
            order.remove(this);
        }
        load += delta;
        reserve(delta, each);
        for (NavigableSet<MachineSlot> order : loadOrders) {
            order.add(this);
        }
    }

    /** Reserves resources without counting a unit (global units, before any load order exists). */
    void reserve(int times, Resources each) {
        if (each.isNone()) {
            return;
        }
        cpuUsed += times * each.cpuMillis();
        memoryUsed += times * each.memoryBytes();
        long cpuShare = cpuCapacity > 0 ? cpuUsed * 1_000_000 / cpuCapacity : 0;
        long memoryShare = memoryCapacity > 0 ? memoryUsed * 1_000_000 / memoryCapacity : 0;
        share = Math.max(cpuShare, memoryShare);
    }

    /** Free CPU in millicores, or {@link Long#MAX_VALUE} when the machine states no CPU capacity. */
    long cpuFree() {
        return cpuCapacity > 0 ? cpuCapacity - cpuUsed : Long.MAX_VALUE;
    }

    /** Free memory in bytes, or {@link Long#MAX_VALUE} when the machine states no memory capacity. */
    long memoryFree() {
        return memoryCapacity > 0 ? memoryCapacity - memoryUsed : Long.MAX_VALUE;
    }

    /** Whether a unit requesting {@code r} fits, once {@code freed} (reserved by units leaving) is given back. */
    boolean fits(Resources r, Resources freed) {
        return (r.cpuMillis() == 0 || cpuCapacity == 0 || cpuUsed - freed.cpuMillis() + r.cpuMillis() <= cpuCapacity)
                && (r.memoryBytes() == 0 || memoryCapacity == 0
                    || memoryUsed - freed.memoryBytes() + r.memoryBytes() <= memoryCapacity);
    }

    /** Puts this machine into {@code order} and keeps it there, sorted, from now on. */
    void joinLoadOrder(NavigableSet<MachineSlot> order) {
        order.add(this);
        loadOrders.add(order);
    }
}
