package org.fleetj.scheduler;

/**
 * fleet's scheduling semantics (see the module README): filters MachineID, MachineMetadata, MachineOf,
 * Conflicts and Replaces, this project's cordon, capacity and MaxPerMachine, then the machine first in
 * {@link Ranking} order (fleet's: fewest units, ties by machine id). Stateless and thread-safe; each call works
 * on its own {@link PlacementPass}.
 */
final class LeastLoadedScheduler implements Scheduler {

    private final SchedulerSettings settings;

    LeastLoadedScheduler(SchedulerSettings settings) {
        this.settings = settings;
    }

    @Override
    public Plan plan(ClusterSnapshot snapshot) {
        return new PlacementPass(snapshot, settings).run();
    }
}
