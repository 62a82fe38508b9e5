package org.fleetj.scheduler;

/**
 * fleet's scheduling semantics (see the module README): filters MachineID, MachineMetadata, MachineOf,
 * Conflicts and Replaces, then the least-loaded machine (fewest units, ties by machine id). Stateless and
 * thread-safe; each call works on its own {@link PlacementPass}.
 */
final class LeastLoadedScheduler implements Scheduler {

    @Override
    public Plan plan(ClusterSnapshot snapshot) {
        return new PlacementPass(snapshot).run();
    }
}
