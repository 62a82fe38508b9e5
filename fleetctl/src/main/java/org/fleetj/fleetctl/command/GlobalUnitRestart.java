package org.fleetj.fleetctl.command;

import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;

/**
 * Restarting a global unit: fleet runs {@code systemctl restart <unit>} on every machine hosting it
 * (over SSH, or locally for this machine). Implemented by the SSH package; found through
 * {@link org.fleetj.fleetctl.SshHooks#globalUnitRestart()}.
 */
public interface GlobalUnitRestart {
    /**
     * @param machineIds the machines that report a state for the unit
     * @return 0 when every restart succeeded, else the first non-zero remote exit status (errors printed)
     */
    int restart(Session session, ApiUnit unit, List<String> machineIds);
}
