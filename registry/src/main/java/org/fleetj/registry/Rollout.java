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

    /** As the API serves it ({@code /rollouts/<unit>}); phase {@code pending} until the engine's first pass over it. */
    public org.fleetj.api.ApiRollout toApi() {
        RolloutSpec s = spec;
        java.util.List<org.fleetj.api.ApiRolloutInstance> instances = status.map(RolloutStatus::instances).orElse(java.util.List.of()).stream()
                .map(i -> new org.fleetj.api.ApiRolloutInstance(i.name(), i.machine(), i.oldHash(), i.step().wireName(), i.since().toString(),
                        i.activeSince().map(Object::toString).orElse(""), i.note()))
                .toList();
        return new org.fleetj.api.ApiRollout(s.unit(), s.id(), s.newHash(), s.maxUnavailable(), s.minHealthy().toMillis(),
                s.activeDeadline().toMillis(), s.autoRevert(), s.control().wireName(), s.createdAt().toString(),
                status.map(st -> st.phase().wireName()).orElse("pending"), status.map(RolloutStatus::message).orElse(""),
                status.map(st -> st.updatedAt().toString()).orElse(""), instances);
    }

    /** Whether the engine has finished with it (succeeded, failed, reverted or aborted). */
    public boolean isFinished() {
        return status.map(s -> s.phase().isFinal()).orElse(false);
    }
}
