package org.fleetj.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a rollout stands with one instance: a template's instance ({@code web@3.service}) or, for a global unit,
 * one machine's copy (then {@code name} is the unit and {@code machine} tells the copies apart).
 *
 * @param name        the job name
 * @param machine     the machine the instance runs on when the step began (for a global unit: the machine it is for)
 * @param oldHash     its unit file before the rollout (what a revert puts back)
 * @param step        where it stands
 * @param since       when it entered that step
 * @param activeSince when the new version was first seen active without a gap since (empty: not yet)
 * @param note        a human reason for the step (why it failed, ...), empty when nothing to say
 */
public record RolloutInstance(String name, String machine, String oldHash, Step step, Instant since,
                              Optional<Instant> activeSince, String note) {

    /** An instance's way through a rollout. */
    public enum Step {
        /** Still runs the old version; not touched yet. */
        WAITING,
        /** Its job holds the new file; the rollout waits until it is active and stays so for min-healthy. */
        REPLACING,
        /** The new version is active and stayed so for min-healthy. */
        DONE,
        /** The new version failed (systemd failed, or not active within the deadline). */
        FAILED,
        /** The previous file was put back (auto-revert). */
        REVERTED;

        public String wireName() {
            return RolloutWireNames.of(this);
        }

        public static Step fromWire(String s) {
            return RolloutWireNames.parse(Step.class, s, "rollout step");
        }
    }

    public RolloutInstance {
        Objects.requireNonNull(name, "name");
        machine = machine == null ? "" : machine;
        Objects.requireNonNull(oldHash, "oldHash");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(since, "since");
        activeSince = activeSince == null ? Optional.empty() : activeSince;
        note = note == null ? "" : note;
    }

    public RolloutInstance to(Step next, Instant at, String why) {
        return new RolloutInstance(name, machine, oldHash, next, at, Optional.empty(), why);
    }

    public RolloutInstance activeFrom(Optional<Instant> at) {
        return new RolloutInstance(name, machine, oldHash, step, since, at, note);
    }

    public RolloutInstance on(String machineId) {
        return new RolloutInstance(name, machineId, oldHash, step, since, activeSince, note);
    }

    /** The key telling instances apart: the job name, plus the machine for a global unit's copies. */
    public String key() {
        return name + "\n" + machine;
    }
}
