package org.fleetj.fleetd.systemd;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.types.UInt32;

/** One {@code (ssssssouso)} entry of ListUnits/ListUnitsByNames. */
public final class UnitListEntry extends Struct {
    @Position(0)
    private final String name;
    @Position(1)
    private final String description;
    @Position(2)
    private final String loadState;
    @Position(3)
    private final String activeState;
    @Position(4)
    private final String subState;
    @Position(5)
    private final String following;
    @Position(6)
    private final DBusPath unitPath;
    @Position(7)
    private final UInt32 jobId;
    @Position(8)
    private final String jobType;
    @Position(9)
    private final DBusPath jobPath;

    @SuppressWarnings("checkstyle:ParameterNumber")
    public UnitListEntry(String name, String description, String loadState, String activeState, String subState,
                         String following, DBusPath unitPath, UInt32 jobId, String jobType, DBusPath jobPath) {
        this.name = name;
        this.description = description;
        this.loadState = loadState;
        this.activeState = activeState;
        this.subState = subState;
        this.following = following;
        this.unitPath = unitPath;
        this.jobId = jobId;
        this.jobType = jobType;
        this.jobPath = jobPath;
    }

    public String getName() {
        return name;
    }

    public String getDescription() {
        return description;
    }

    public String getLoadState() {
        return loadState;
    }

    public String getActiveState() {
        return activeState;
    }

    public String getSubState() {
        return subState;
    }

    public String getFollowing() {
        return following;
    }

    public DBusPath getUnitPath() {
        return unitPath;
    }

    public UInt32 getJobId() {
        return jobId;
    }

    public String getJobType() {
        return jobType;
    }

    public DBusPath getJobPath() {
        return jobPath;
    }

    /** The status under the name the caller asked for (systemd reports an alias under its real id). */
    public SystemdUnitStatus toStatus(String requestedName) {
        return new SystemdUnitStatus(requestedName, loadState, activeState, subState);
    }
}
