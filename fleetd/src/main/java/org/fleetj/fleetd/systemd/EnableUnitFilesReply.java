package org.fleetj.fleetd.systemd;

import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.Position;

/**
 * The two out-values of EnableUnitFiles ({@code b a(sss)}). dbus-java derives the reply signature
 * from the type arguments, hence the generic shape.
 */
public final class EnableUnitFilesReply<A, B> extends Tuple {
    @Position(0)
    private final A carriesInstallInfo;
    @Position(1)
    private final B changes;

    public EnableUnitFilesReply(A carriesInstallInfo, B changes) {
        this.carriesInstallInfo = carriesInstallInfo;
        this.changes = changes;
    }

    public A getCarriesInstallInfo() {
        return carriesInstallInfo;
    }

    public B getChanges() {
        return changes;
    }
}
