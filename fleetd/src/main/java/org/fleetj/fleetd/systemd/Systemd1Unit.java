package org.fleetj.fleetd.systemd;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/**
 * The part of systemd's {@code org.freedesktop.systemd1.Unit} D-Bus interface fleet calls (checked against systemd 252
 * by introspection): {@code Ref} pins the unit in systemd's memory while this bus connection lives, as
 * {@code systemd-run --wait} does, so the result of a run stays readable after it ends.
 */
@DBusInterfaceName("org.freedesktop.systemd1.Unit")
@SuppressWarnings("checkstyle:MethodName")
public interface Systemd1Unit extends DBusInterface {
    /** {@code → } (nothing) */
    void Ref();
}
