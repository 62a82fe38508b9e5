package org.fleetj.testkit;

/**
 * One machine of a {@link LocalCluster} as the cluster's state records it right now.
 *
 * @param name      m1, m2, ... (also its hostname)
 * @param ip        its address on the cluster bridge
 * @param machineId its /etc/machine-id (kept across kill/start)
 * @param hostPid   host PID of its systemd (PID 1 inside), or 0 when the machine is down
 */
public record Machine(String name, String ip, String machineId, long hostPid) {
    public boolean isUp() {
        return hostPid > 0;
    }

    /** The fleet API URL fleetd serves on this machine (fleet.conf has listen=http://0.0.0.0:49153). */
    public String apiUrl() {
        return "http://" + ip + ":" + LocalCluster.FLEETD_API_PORT;
    }
}
