package org.fleetj.fleetd.systemd;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** One entry {@code (sss)} of the changes systemd reports for Link/Enable/DisableUnitFiles: type, file, destination. */
public final class UnitFileChange extends Struct {
    @Position(0)
    private final String type;
    @Position(1)
    private final String file;
    @Position(2)
    private final String destination;

    public UnitFileChange(String type, String file, String destination) {
        this.type = type;
        this.file = file;
        this.destination = destination;
    }

    /** {@code symlink} or {@code unlink}. */
    public String getType() {
        return type;
    }

    public String getFile() {
        return file;
    }

    public String getDestination() {
        return destination;
    }

    /** "symlink /run/systemd/system/x.service -> /run/fleet/units/x.service", for logs. */
    public String describe() {
        return type + " " + file + (destination.isEmpty() ? "" : " -> " + destination);
    }
}
