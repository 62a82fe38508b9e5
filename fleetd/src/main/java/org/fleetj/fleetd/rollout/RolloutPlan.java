package org.fleetj.fleetd.rollout;

import java.util.List;
import java.util.Objects;
import org.fleetj.registry.RolloutStatus;

/**
 * What one pass decided for one rollout: its new status (written first, fenced, so a new leader knows what was begun)
 * and the unit files to put on jobs, each with the reason that is logged.
 *
 * @param status  the status to record
 * @param changed whether the status differs from what the registry holds (nothing to write otherwise)
 * @param files   the job files to set, in order
 * @param pins    for a global unit: the machines' schedule entries that hold a copy on a given file during the rollout
 */
public record RolloutPlan(RolloutStatus status, boolean changed, List<FileChange> files, List<Pin> pins) {

    /**
     * A global unit's copy on {@code machine} pinned to the file under {@code hash} (a schedule entry of that name on
     * that machine, which its agent prefers to the global job), or unpinned when {@code hash} is empty (the agent then
     * runs the global job's file again).
     */
    public record Pin(String machine, java.util.Optional<String> hash, String reason) {
        public Pin {
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Set job {@code job}'s unit file to the one stored under {@code hash}, for {@code reason}. */
    public record FileChange(String job, String hash, String reason) {
        public FileChange {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public RolloutPlan {
        Objects.requireNonNull(status, "status");
        files = List.copyOf(files);
        pins = List.copyOf(pins);
    }
}
