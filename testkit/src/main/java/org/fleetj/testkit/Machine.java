package org.fleetj.testkit;

/**
 * One machine of a {@link LocalCluster} as the cluster's state records it right now.
 *
 * @param name      m1, m2, ... (also its hostname)
 * @param ip        its address on the cluster bridge
 * @param machineId its /etc/machine-id (kept across kill/start)
 * @param hostPid   host PID of its systemd (PID 1 inside), or 0 when the machine is down
 * @param apiUrl    the fleet API URL its fleetd serves: {@code https://IP:49153} (TLS with access roles, the local
 *                  cluster's default; credentials in {@link LocalCluster#apiCredentials()}), or {@code http://IP:49153}
 *                  for a cluster made with {@link LocalClusterOptions#plainApi()}
 */
public record Machine(String name, String ip, String machineId, long hostPid, String apiUrl) {
    public boolean isUp() {
        return hostPid > 0;
    }
}
