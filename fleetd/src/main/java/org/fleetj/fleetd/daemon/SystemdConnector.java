package org.fleetj.fleetd.daemon;

import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.fleetd.systemd.BusTarget;
import org.fleetj.fleetd.systemd.DbusSystemdManager;
import org.fleetj.fleetd.systemd.SystemdManager;
import org.fleetj.fleetd.systemd.SystemdSettings;

/** Connects fleetd to this machine's systemd. */
@FunctionalInterface
public interface SystemdConnector {
    SystemdManager connect(FleetConfig config);

    /** D-Bus: the system bus (or the user's with systemd_user, or dbus_address when set). */
    SystemdConnector DBUS = config -> {
        SystemdSettings settings = SystemdSettings.forFleetConfig(config.systemdUser(), config.unitsDirectory());
        if (config.dbusAddress().isPresent()) settings = settings.withBus(BusTarget.address(config.dbusAddress().get()));
        return DbusSystemdManager.connect(settings);
    };
}
