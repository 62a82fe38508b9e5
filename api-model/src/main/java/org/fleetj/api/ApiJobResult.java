package org.fleetj.api;

/**
 * Beyond fleet: how a one-shot job ({@code [X-Fleet] Job=true}) ended, as the API serves it at
 * {@code /fleet/v1/jobs/<name>} (a path fleet clients never ask for, so fleet's own entities stay as they were).
 *
 * @param name          the unit
 * @param unitHash      the hash of the unit file that ran
 * @param machineId     the machine it ran on
 * @param result        {@code succeeded} or {@code failed}
 * @param exitStatus    the main process's exit status, or the signal that killed it
 * @param exitCode      {@code exited}, {@code killed}, {@code dumped}, or empty when no main process ran
 * @param systemdResult systemd's {@code Result} ({@code success}, {@code exit-code}, {@code signal}, ...)
 * @param startedAt     RFC 3339 time systemd started it
 * @param finishedAt    RFC 3339 time it ended
 */
public record ApiJobResult(String name, String unitHash, String machineId, String result, int exitStatus,
                           String exitCode, String systemdResult, String startedAt, String finishedAt) {

    /** How it ended, short: {@code exit status 3}, {@code killed by signal 9}, {@code systemd result timeout}. */
    public String how() {
        return switch (exitCode == null ? "" : exitCode) {
            case "exited" -> "exit status " + exitStatus;
            case "killed", "dumped" -> "killed by signal " + exitStatus;
            default -> "systemd result " + (systemdResult == null || systemdResult.isEmpty() ? "unknown" : systemdResult);
        };
    }

    /** The short form for a table column: {@code succeeded}, {@code failed (exit status 3)}. */
    public String column() {
        return "succeeded".equals(result) && "exited".equals(exitCode) && exitStatus == 0 ? result : result + " (" + how() + ")";
    }

    /** One line for {@code fleetctl status}. */
    public String summary() {
        return "Job: " + detail();
    }

    /** How, where and when: {@code failed (exit status 3), ran on 1f3e2a9c... from <start> to <end>}. */
    public String detail() {
        String m = MachineIds.elided(machineId);
        return result + " (" + how() + "), ran on " + m + " from " + startedAt + " to " + finishedAt;
    }
}
