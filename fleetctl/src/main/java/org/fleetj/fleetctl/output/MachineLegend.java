package org.fleetj.fleetctl.output;

import java.util.Map;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.MachineIds;

/**
 * How fleetctl names a machine in tables and messages: {@code 6e1b9fae...} (or the full id with
 * {@code --full}), followed by {@code /<public IP>} when the machine is known and has one.
 */
public final class MachineLegend {
    private MachineLegend() {
    }

    /** The id part only: 8 characters and {@code ...}, or the whole id. */
    public static String id(String machineId, boolean full) {
        if (full) return machineId;
        return MachineIds.shortId(machineId) + "...";
    }

    /** The id part plus {@code /IP} when {@code machines} knows the machine and it has an IP. */
    public static String of(String machineId, Map<String, ApiMachine> machines, boolean full) {
        String legend = id(machineId, full);
        ApiMachine machine = machines.get(machineId);
        if (machine != null && machine.primaryIP() != null && !machine.primaryIP().isEmpty()) {
            legend = legend + "/" + machine.primaryIP();
        }
        return legend;
    }
}
