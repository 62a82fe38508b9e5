package org.fleetj.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * A rollout as stored: the user's {@link RolloutSpec} and the engine's {@link RolloutStatus} answering it (empty until
 * the engine's first pass over it; a status of an earlier rollout of the same unit is not this one's).
 */
public record Rollout(RolloutSpec spec, Optional<RolloutStatus> status) {
    public Rollout {
        Objects.requireNonNull(spec, "spec");
        status = status == null ? Optional.empty() : status.filter(s -> s.id().equals(spec.id()));
    }

    /** Whether the engine has finished with it (succeeded, failed, reverted or aborted). */
    public boolean isFinished() {
        return status.map(s -> s.phase().isFinal()).orElse(false);
    }
}
