package org.fleetj.fleetd.systemd;

import java.util.List;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/**
 * The part of systemd's {@code org.freedesktop.systemd1.Manager} D-Bus interface fleet uses
 * (signatures as in org.freedesktop.systemd1(5), checked against systemd 252 by introspection).
 * Method names keep D-Bus capitalisation because dbus-java maps them 1:1.
 */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
// boxed Boolean parameters: dbus-java's callMethodAsync looks methods up by the argument classes
@SuppressWarnings("checkstyle:MethodName")
public interface Systemd1Manager extends DBusInterface {

    String BUS_NAME = "org.freedesktop.systemd1";
    String OBJECT_PATH = "/org/freedesktop/systemd1";
    String INTERFACE = "org.freedesktop.systemd1.Manager";

    /** {@code as b b → a(sss)} */
    List<UnitFileChange> LinkUnitFiles(List<String> files, Boolean runtime, Boolean force);

    /** {@code as b b → b a(sss)} */
    EnableUnitFilesReply<Boolean, List<UnitFileChange>> EnableUnitFiles(List<String> files, Boolean runtime,
                                                                      Boolean force);

    /** {@code as b → a(sss)} */
    List<UnitFileChange> DisableUnitFiles(List<String> files, Boolean runtime);

    /** {@code → } (daemon-reload) */
    void Reload();

    /** {@code s → o}: the unit's object if systemd holds it (NoSuchUnit otherwise); loads nothing */
    DBusPath GetUnit(String name);

    /** {@code s s → o} */
    DBusPath StartUnit(String name, String mode);

    /** {@code s s → o} */
    DBusPath StopUnit(String name, String mode);

    /** {@code s → } */
    void ResetFailedUnit(String name);

    /** {@code as → a(ssssssouso)} (systemd ≥ 230) */
    List<UnitListEntry> ListUnitsByNames(List<String> names);

    /** {@code → a(ssssssouso)} */
    List<UnitListEntry> ListUnits();

    /** {@code → } makes systemd emit unit/job signals to this client. */
    void Subscribe();
}
