package org.fleetj.fleetd.systemd;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The last run of a unit as systemd remembers it (what one-shot jobs report, beyond fleet): read from the unit's
 * {@code ActiveState}, {@code SubState}, {@code InactiveExitTimestamp} (when it left inactive: started) and
 * {@code InactiveEnterTimestamp}, and its service's {@code Result}, {@code ExecMainCode}, {@code ExecMainStatus} and
 * {@code ExecMainExitTimestamp}.
 *
 * @param name        the unit
 * @param activeState systemd's active state now
 * @param subState    systemd's sub state now
 * @param startedAt   when the unit last left the inactive state; empty when systemd never ran it
 * @param endedAt     when it last entered inactive or failed, or (still {@code active/exited}, RemainAfterExit) when
 *                    its main process exited; empty when it did not end since it started
 * @param result      systemd's {@code Result}: {@code success}, {@code exit-code}, {@code signal}, {@code timeout}, ...
 * @param exitCode    how the main process ended: {@code exited}, {@code killed}, {@code dumped}; empty when none ran
 * @param exitStatus  the exit status, or the signal number when killed
 */
public record UnitRun(String name, String activeState, String subState, Optional<Instant> startedAt,
                      Optional<Instant> endedAt, String result, String exitCode, int exitStatus) {
    public UnitRun {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(activeState, "activeState");
        Objects.requireNonNull(subState, "subState");
        startedAt = startedAt == null ? Optional.empty() : startedAt;
        endedAt = endedAt == null ? Optional.empty() : endedAt;
        result = result == null ? "" : result;
        exitCode = exitCode == null ? "" : exitCode;
    }

    /**
     * Whether a run happened and is over: systemd started the unit and it is now inactive or failed (ended no
     * earlier than it started), or it is {@code active/exited} (a oneshot with RemainAfterExit whose process ended).
     * A unit waiting to be restarted by systemd ({@code activating/auto-restart}) is not over.
     */
    public boolean isOver() {
        if (startedAt.isEmpty() || endedAt.isEmpty()) return false;
        boolean stopped = ("inactive".equals(activeState) || "failed".equals(activeState))
                && !endedAt.get().isBefore(startedAt.get());
        boolean exited = "active".equals(activeState) && "exited".equals(subState);
        return stopped || exited;
    }

    /** Whether the run succeeded, as systemd judges it. */
    public boolean succeeded() {
        return "success".equals(result) && !"failed".equals(activeState);
    }

    /** systemd's ExecMainCode (CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3) in words. */
    public static String exitCodeName(int code) {
        return switch (code) {
            case 1 -> "exited";
            case 2 -> "killed";
            case 3 -> "dumped";
            default -> "";
        };
    }
}
