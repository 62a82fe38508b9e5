package org.fleetj.scheduler;

import java.util.List;

/**
 * The outcome of one scheduling pass.
 *
 * <p>Order of {@link #tasks()}: every UNSCHEDULE first (unit-name order), then every RESCHEDULE, then every
 * SCHEDULE (each in decision order), so removals are applied before additions. The engine may apply the
 * whole plan in one transaction, or task by task in this order; see {@link Task} for what each kind means.
 *
 * @param tasks    what to change; empty when the cluster is already where it should be
 * @param unplaced units that wait, with reasons (name order): those that want a machine but cannot get one
 *                 now, and those that cannot leave a draining machine yet; these are not tasks: nothing
 *                 changes for them, they are retried on the next pass
 */
public record Plan(List<Task> tasks, List<Unplaced> unplaced) {

    public Plan {
        tasks = List.copyOf(tasks);
        unplaced = List.copyOf(unplaced);
    }

    /** Whether there is nothing to change. */
    public boolean isEmpty() {
        return tasks.isEmpty();
    }
}
