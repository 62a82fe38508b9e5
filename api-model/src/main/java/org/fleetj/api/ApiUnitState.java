package org.fleetj.api;

/** fleet v1 API "UnitState": what systemd on {@code machineID} reports for unit {@code name}. */
public record ApiUnitState(String name, String hash, String machineID,
                           String systemdLoadState, String systemdActiveState, String systemdSubState) {
}
