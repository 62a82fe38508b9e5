package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A machine's working state during one pass: the units placed on it so far and its load. */
final class MachineSlot {

    /** The ranker's order: fewest units first, ties by machine id. */
    static final Comparator<MachineSlot> LEAST_LOADED =
            Comparator.comparingInt((MachineSlot s) -> s.load).thenComparing(s -> s.id);

    final Machine machine;
    final String id;
    final String shortId;
    int load;
    /** Units on this machine in the order they were put there. */
    final List<PlannedUnit> units = new ArrayList<>();
    /** The subset of {@link #units} that declare Conflicts or Replaces (usually few). */
    final List<PlannedUnit> excluders = new ArrayList<>();

    MachineSlot(Machine machine) {
        this.machine = machine;
        this.id = machine.id();
        this.shortId = machine.shortId();
    }

    boolean answersTo(String machineId) {
        return id.equals(machineId) || shortId.equals(machineId);
    }
}
