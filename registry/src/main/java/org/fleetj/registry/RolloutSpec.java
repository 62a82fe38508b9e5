package org.fleetj.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a user asked of a rolling update (beyond fleet), written by {@code fleetctl rollout} or the API under
 * {@code rollout-spec/<unit>}; the engine answers in a {@link RolloutStatus}. Only the user writes it (start, then
 * pause, resume or abort through {@link #control}), so a user's write and the engine's never race on one key.
 *
 * @param unit           a template ({@code web@.service}: every {@code web@N.service} job) or a global unit
 * @param id             tells this rollout from an earlier one of the same unit (the status names the id it answers)
 * @param newHash        the hash of the new unit file (stored under {@code unit/<hash>} with the spec)
 * @param maxUnavailable how many instances may be down at once (being replaced, or not active); at least 1
 * @param minHealthy     how long a new instance must stay active before the next one is replaced
 * @param activeDeadline how long a new instance may take to become active before the rollout counts it failed
 * @param autoRevert     on failure, put the previous unit file back on the instances the rollout changed
 * @param control        what the user wants now: run, pause or abort
 * @param createdAt      when the rollout was started
 */
public record RolloutSpec(String unit, String id, String newHash, int maxUnavailable, Duration minHealthy,
                          Duration activeDeadline, boolean autoRevert, Control control, Instant createdAt) {

    /** The user's steering of a rollout. */
    public enum Control {
        RUN, PAUSE, ABORT;

        public String wireName() {
            return RolloutWireNames.of(this);
        }

        public static Control fromWire(String s) {
            return RolloutWireNames.parse(Control.class, s, "rollout control");
        }
    }

    public RolloutSpec {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(newHash, "newHash");
        Objects.requireNonNull(minHealthy, "minHealthy");
        Objects.requireNonNull(activeDeadline, "activeDeadline");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(createdAt, "createdAt");
        if (maxUnavailable < 1) throw new IllegalArgumentException("max-unavailable must be at least 1, not " + maxUnavailable);
        if (minHealthy.isNegative()) throw new IllegalArgumentException("min-healthy must not be negative");
        if (activeDeadline.isNegative() || activeDeadline.isZero()) throw new IllegalArgumentException("the active deadline must be positive");
    }

    /** Whether the rollout is of a template's instances ({@code web@.service}) rather than of a global unit. */
    public boolean ofTemplate() {
        return unit.contains("@.");
    }

    /** Whether {@code jobName} is an instance of this rollout's template ({@code web@3.service} of {@code web@.service}). */
    public boolean covers(String jobName) {
        if (!ofTemplate()) return jobName.equals(unit);
        int at = unit.indexOf('@');
        String prefix = unit.substring(0, at + 1);
        String suffix = unit.substring(at + 1);
        return jobName.startsWith(prefix) && jobName.endsWith(suffix) && jobName.length() > prefix.length() + suffix.length();
    }

    public RolloutSpec withControl(Control c) {
        return new RolloutSpec(unit, id, newHash, maxUnavailable, minHealthy, activeDeadline, autoRevert, c, createdAt);
    }
}
