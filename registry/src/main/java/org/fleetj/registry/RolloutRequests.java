package org.fleetj.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.fleetj.registry.support.GlobalUnits;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.UnitFile;

/**
 * The one place of the rules for starting and steering a rollout, for both ways in (the API's {@code /rollouts} and
 * fleetctl's etcd driver): what may be rolled out, the defaults, and the user's words for pause/resume/abort.
 * Bad input is an {@link IllegalArgumentException} naming what was wrong.
 */
public final class RolloutRequests {
    public static final int DEFAULT_MAX_UNAVAILABLE = 1;
    public static final Duration DEFAULT_MIN_HEALTHY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_ACTIVE_DEADLINE = Duration.ofMinutes(5);

    private RolloutRequests() {
    }

    /** Starts a rollout as the API and fleetctl ask for it: numbers left out of {@code request} take the defaults. */
    public static RolloutSpec start(Registry registry, String unit, UnitFile file, org.fleetj.api.ApiRolloutRequest request, Clock clock) {
        return start(registry, unit, file,
                request.maxUnavailable() == null ? DEFAULT_MAX_UNAVAILABLE : request.maxUnavailable(),
                request.minHealthyMs() == null ? DEFAULT_MIN_HEALTHY : Duration.ofMillis(request.minHealthyMs()),
                request.activeDeadlineMs() == null ? DEFAULT_ACTIVE_DEADLINE : Duration.ofMillis(request.activeDeadlineMs()),
                request.autoRevert() != null && request.autoRevert(), clock);
    }

    /**
     * Starts a rollout of {@code unit} (a template {@code web@.service}, or a global unit that exists) to {@code file}.
     *
     * @throws IllegalArgumentException    the unit cannot be rolled out, or a number is out of range
     * @throws RolloutInProgressException the unit's previous rollout has not finished
     */
    public static RolloutSpec start(Registry registry, String unit, UnitFile file, int maxUnavailable, Duration minHealthy,
                                    Duration activeDeadline, boolean autoRevert, Clock clock) {
        NameRules.unitName(unit);
        boolean template = unit.contains("@.");
        if (template) {
            if (GlobalUnits.isGlobal(unit, file)) {
                throw new IllegalArgumentException("the new " + unit + " has Global=true: a template's instances cannot become global by a rollout");
            }
        } else {
            if (unit.contains("@")) {
                throw new IllegalArgumentException(unit + " is an instance: roll out its template (" + unit.substring(0, unit.indexOf('@') + 1)
                        + unit.substring(unit.lastIndexOf('.')) + ") or replace it with fleetctl start --replace");
            }
            Optional<Job> job = registry.job(unit);
            if (job.isEmpty()) throw new IllegalArgumentException("unit " + unit + " does not exist (a rollout replaces a template's instances or a global unit)");
            if (!GlobalUnits.isGlobal(unit, job.get().unit())) {
                throw new IllegalArgumentException(unit + " is neither a template nor a global unit; replace it with fleetctl start --replace");
            }
            if (!GlobalUnits.isGlobal(unit, file)) throw new IllegalArgumentException("the new " + unit + " must keep Global=true");
        }
        RolloutSpec spec = new RolloutSpec(unit, UUID.randomUUID().toString(), file.hash().hex(), maxUnavailable, minHealthy, activeDeadline,
                autoRevert, RolloutSpec.Control.RUN, clock.instant());
        registry.startRollout(spec, file);
        return spec;
    }

    /** The control a user's word asks for: {@code pause}, {@code resume} (run again) or {@code abort}. */
    public static RolloutSpec.Control control(String word) {
        return switch (word) {
            case "pause" -> RolloutSpec.Control.PAUSE;
            case "resume", "run" -> RolloutSpec.Control.RUN;
            case "abort" -> RolloutSpec.Control.ABORT;
            default -> throw new IllegalArgumentException("unknown rollout control " + word + " (pause, resume, abort)");
        };
    }

    /**
     * Steers the unit's rollout.
     *
     * @return false when the unit has no rollout
     * @throws IllegalArgumentException when the rollout has finished (nothing left to steer)
     */
    public static boolean steer(Registry registry, String unit, RolloutSpec.Control control) {
        NameRules.unitName(unit);
        Rollout r = registry.rollouts().get(unit);
        if (r == null) return false;
        if (r.isFinished()) {
            throw new IllegalArgumentException("the rollout of " + unit + " has finished (" + r.status().orElseThrow().phase().wireName() + ")");
        }
        return registry.setRolloutControl(unit, control);
    }
}
