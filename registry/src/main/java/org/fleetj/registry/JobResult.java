package org.fleetj.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * How a one-shot job ({@code [X-Fleet] Job=true}, beyond fleet) ended, as the agent of the machine it ran on saw it
 * in systemd. Written once per run by that agent, kept after the machine leaves (not under its lease) and removed
 * with the job. A result counts only for the unit file it ran ({@link #isFor}): a job whose file was replaced runs
 * the new file once.
 *
 * @param unit        the unit name
 * @param unitHash    the hash of the unit file that ran
 * @param machineId   the machine it ran on
 * @param succeeded   whether systemd's result was {@code success}
 * @param exitStatus  the main process's exit status, or the number of the signal that killed it
 * @param exitCode    how the main process ended, as systemd says it: {@code exited}, {@code killed}, {@code dumped},
 *                    or empty when no main process ran (an {@code ExecStartPre=} failed)
 * @param systemdResult systemd's {@code Result} ({@code success}, {@code exit-code}, {@code signal}, {@code timeout}, ...)
 * @param startedAt   when systemd started it
 * @param finishedAt  when it ended
 */
public record JobResult(String unit, String unitHash, String machineId, boolean succeeded, int exitStatus,
                        String exitCode, String systemdResult, Instant startedAt, Instant finishedAt) {
    public JobResult {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(unitHash, "unitHash");
        Objects.requireNonNull(machineId, "machineId");
        exitCode = exitCode == null ? "" : exitCode;
        systemdResult = systemdResult == null ? "" : systemdResult;
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    /** Whether this is the result of {@code job}'s current unit file (THE rule for "this job has finished"). */
    public boolean isFor(Job job) {
        return job != null && job.name().equals(unit) && job.unitHash().equals(unitHash);
    }

    /** {@code succeeded} or {@code failed}. */
    public String outcome() {
        return succeeded ? "succeeded" : "failed";
    }

    /** How, where and when, for operators (the log, the engine's reasons). */
    public String describe() {
        return toApi().detail();
    }

    /** As the API serves it ({@code /fleet/v1/jobs/<name>}). */
    public org.fleetj.api.ApiJobResult toApi() {
        return new org.fleetj.api.ApiJobResult(unit, unitHash, machineId, outcome(), exitStatus, exitCode, systemdResult,
                startedAt.toString(), finishedAt.toString());
    }
}
