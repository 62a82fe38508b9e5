package org.fleetj.api;

import java.util.List;

/**
 * Beyond fleet: the body of {@code PUT /rollouts/<unit>}, which starts a rollout. Absent numbers take the defaults
 * (max-unavailable 1, min-healthy 10 s, active deadline 5 min, no auto-revert).
 *
 * @param options          the new unit file, as fleet's API carries unit files
 * @param maxUnavailable   instances that may be down at once
 * @param minHealthyMs     how long a new instance must stay active before the next is replaced
 * @param activeDeadlineMs how long a new instance may take to become active
 * @param autoRevert       on failure, put the previous file back on the instances changed
 */
public record ApiRolloutRequest(List<ApiUnitOption> options, Integer maxUnavailable, Long minHealthyMs, Long activeDeadlineMs,
                                Boolean autoRevert) {
    public ApiRolloutRequest {
        options = options == null ? List.of() : List.copyOf(options);
    }
}
