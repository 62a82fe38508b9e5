package org.fleetj.scheduler;

import java.util.Objects;

/**
 * How the scheduler chooses among machines that pass every filter, from fleet.conf.
 *
 * @param ranking           spread (fleet's least loaded, the default) or bin-pack
 * @param drainMovesPerPass how many units one pass moves off draining machines (at least 1)
 */
public record SchedulerSettings(Ranking ranking, int drainMovesPerPass) {

    /** fleet's behaviour: spread; drains move 3 units per pass. */
    public static final SchedulerSettings DEFAULT = new SchedulerSettings(Ranking.SPREAD, 3);

    public SchedulerSettings {
        Objects.requireNonNull(ranking, "ranking");
        if (drainMovesPerPass < 1) {
            throw new IllegalArgumentException("drain moves per pass must be at least 1, got " + drainMovesPerPass);
        }
    }
}
