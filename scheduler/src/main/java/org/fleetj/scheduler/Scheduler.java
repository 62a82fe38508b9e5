package org.fleetj.scheduler;

/**
 * Decides where units run: an immutable snapshot in, a plan out. Pure: no I/O, no clock, no randomness;
 * the same snapshot always gives the same plan.
 */
public interface Scheduler {

    /** Plans the changes that bring {@code snapshot} to a valid, stable placement. */
    Plan plan(ClusterSnapshot snapshot);

    /** fleet's scheduler: filters (MachineID, MachineMetadata, MachineOf, Conflicts, Replaces), then least loaded. */
    static Scheduler leastLoaded() {
        return new LeastLoadedScheduler(SchedulerSettings.DEFAULT);
    }

    /** fleet's filters and this project's (cordon, capacity, MaxPerMachine, SpreadBy), ranked as {@code settings} say. */
    static Scheduler of(SchedulerSettings settings) {
        return new LeastLoadedScheduler(settings);
    }
}
