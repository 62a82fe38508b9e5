package org.fleetj.fleetd.agent;

import java.util.Objects;

/** One thing the agent does to its machine's systemd, with the reason it is logged with. */
public record AgentTask(Kind kind, String unit, String reason) {
    public enum Kind {
        /** Write the unit file, link it into systemd's runtime dir, enable it if it has [Install], daemon-reload. */
        LOAD,
        /** StartUnit(replace). */
        START,
        /** StopUnit(replace). */
        STOP,
        /** Stop, disable, unlink, delete the file, reset-failed. */
        UNLOAD
    }

    public AgentTask {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + unit + ": " + reason;
    }
}
