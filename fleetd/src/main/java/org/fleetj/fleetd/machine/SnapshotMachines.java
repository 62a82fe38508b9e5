package org.fleetj.fleetd.machine;

import org.fleetj.registry.MachineState;
import org.fleetj.scheduler.Machine;

/** The registry's view of a machine as the scheduler's (engine and agents): the one place the two availability enums meet. */
public final class SnapshotMachines {

    private SnapshotMachines() {
    }

    public static Machine of(MachineState m) {
        return new Machine(m.id(), m.publicIp(), m.metadata(), m.capacity(), availability(m));
    }

    public static Machine.Availability availability(MachineState m) {
        return switch (m.availability()) {
            case SCHEDULABLE -> Machine.Availability.SCHEDULABLE;
            case CORDONED -> Machine.Availability.CORDONED;
            case DRAINING -> Machine.Availability.DRAINING;
            case DRAINING_WITH_GLOBAL_UNITS -> Machine.Availability.DRAINING_WITH_GLOBAL_UNITS;
        };
    }
}
