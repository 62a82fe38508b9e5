package org.fleetj.api;

import java.util.List;

/**
 * Beyond fleet: a rolling update as the API serves it at {@code /rollouts/<unit>} (outside fleet's {@code /fleet/v1}
 * tree, which answers exactly as fleet's does). Times are RFC 3339; durations milliseconds.
 *
 * @param unit             the template ({@code web@.service}) or global unit rolled out
 * @param id               this rollout's id (a later rollout of the same unit has another)
 * @param newHash          the new unit file's hash
 * @param maxUnavailable   instances that may be down at once
 * @param minHealthyMs     how long a new instance must stay active before the next is replaced
 * @param activeDeadlineMs how long a new instance may take to become active
 * @param autoRevert       whether a failure puts the previous file back
 * @param control          what the user asked: run, pause or abort
 * @param createdAt        when it was started
 * @param phase            pending (the engine has not seen it yet), running, paused, succeeded, failed, reverted, aborted
 * @param message          the engine's latest words about it
 * @param updatedAt        when the engine last changed its status (empty while pending)
 * @param instances        each instance's progress
 */
public record ApiRollout(String unit, String id, String newHash, int maxUnavailable, long minHealthyMs, long activeDeadlineMs,
                         boolean autoRevert, String control, String createdAt, String phase, String message, String updatedAt,
                         List<ApiRolloutInstance> instances) {
    public ApiRollout {
        instances = instances == null ? List.of() : List.copyOf(instances);
        message = message == null ? "" : message;
        updatedAt = updatedAt == null ? "" : updatedAt;
    }

    /** Instances in that step. */
    public long count(String step) {
        return instances.stream().filter(i -> i.step().equals(step)).count();
    }

    public boolean isFinished() {
        return !phase.equals("pending") && !phase.equals("running") && !phase.equals("paused");
    }
}
