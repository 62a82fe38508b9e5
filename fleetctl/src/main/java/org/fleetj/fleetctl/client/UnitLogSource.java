package org.fleetj.fleetctl.client;

import java.io.OutputStream;
import java.util.OptionalInt;

/**
 * A unit's journal and {@code systemctl status} through fleetd's API (fleetd runs journalctl or systemctl on the
 * unit's machine, relaying there when needed): the same bytes and exit status as over SSH, without SSH keys.
 * The methods answer empty when the endpoint does not serve them (a fleetd without these endpoints, such as
 * fleet's own); the caller then uses SSH. Refusals (unknown unit, 403, ...) are {@link FleetClientException}s.
 */
public interface UnitLogSource {
    /**
     * @param machineId the machine (id or prefix) for a global unit; null: the machine the unit is scheduled to
     * @return journalctl's exit status, once it ended (with {@code follow}: when interrupted)
     */
    OptionalInt journal(String unit, String machineId, int lines, String output, boolean follow, OutputStream out);

    /** @return systemctl's exit status (3 for an inactive unit, as systemctl) */
    OptionalInt status(String unit, String machineId, OutputStream out);
}
