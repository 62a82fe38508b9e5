package org.fleetj.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The engine's account of a rollout (beyond fleet), under {@code rollout-status/<unit>}, written only by the engine
 * leader and fenced like the schedule: a new leader reads it and goes on where the old one stopped.
 *
 * @param unit      the template or global unit rolled out
 * @param id        the {@link RolloutSpec#id()} this status answers (a status of an earlier rollout is ignored)
 * @param phase     where the rollout as a whole stands
 * @param instances every instance the rollout covers, by name (then machine)
 * @param message   the latest human reason (what happened last, why it stopped)
 * @param updatedAt when the engine last changed it
 */
public record RolloutStatus(String unit, String id, Phase phase, List<RolloutInstance> instances, String message, Instant updatedAt) {

    /** A rollout's phases; the last four are final. */
    public enum Phase {
        RUNNING, PAUSED, SUCCEEDED, FAILED, REVERTED, ABORTED;

        public boolean isFinal() {
            return this != RUNNING && this != PAUSED;
        }

        public String wireName() {
            return RolloutWireNames.of(this);
        }

        public static Phase fromWire(String s) {
            return RolloutWireNames.parse(Phase.class, s, "rollout phase");
        }
    }

    public RolloutStatus {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(phase, "phase");
        instances = List.copyOf(instances);
        message = message == null ? "" : message;
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public long count(RolloutInstance.Step step) {
        return instances.stream().filter(i -> i.step() == step).count();
    }
}
