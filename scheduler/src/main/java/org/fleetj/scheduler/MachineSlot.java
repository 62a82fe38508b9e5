package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;

/** A machine's working state during one pass: the units placed on it so far and its load. */
final class MachineSlot {

    /** The ranker's order: fewest units first, ties by machine id (compared through its rank in id order). */
    static final Comparator<MachineSlot> LEAST_LOADED =
            (a, b) -> a.load != b.load ? Integer.compare(a.load, b.load) : Integer.compare(a.rank, b.rank);

    final Machine machine;
    final String id;
    final String shortId;
    /** Position of {@link #id} among the pass's machine ids in ascending order. */
    final int rank;
    private int load;
    /** Units on this machine in the order they were put there. */
    final List<PlannedUnit> units = new ArrayList<>();
    /** The subset of {@link #units} that declare Conflicts or Replaces (usually few). */
    final List<PlannedUnit> excluders = new ArrayList<>();
    /** The {@link #LEAST_LOADED} orders this machine is in; they are kept sorted as its load changes. */
    private final List<NavigableSet<MachineSlot>> loadOrders = new ArrayList<>(2);

    MachineSlot(Machine machine, int rank) {
        this.machine = machine;
        this.id = machine.id();
        this.shortId = machine.shortId();
        this.rank = rank;
    }

    boolean answersTo(String machineId) {
        return id.equals(machineId) || shortId.equals(machineId);
    }

    int load() {
        return load;
    }

    /** Adds {@code delta} to the load, moving this machine within every load order it is in. */
    void changeLoad(int delta) {
        for (NavigableSet<MachineSlot> order : loadOrders) {
            order.remove(this);
        }
        load += delta;
        for (NavigableSet<MachineSlot> order : loadOrders) {
            order.add(this);
        }
    }

    /** Puts this machine into {@code order} and keeps it there, sorted, from now on. */
    void joinLoadOrder(NavigableSet<MachineSlot> order) {
        order.add(this);
        loadOrders.add(order);
    }
}
