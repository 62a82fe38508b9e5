package org.fleetj.fleetd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.fleetd.access.AccessConfig;

/**
 * fleetd's validated configuration. Built by {@link ConfigLoader} from /etc/fleet/fleet.conf (INI),
 * {@code FLEET_<NAME>} environment variables and {@code --<name>} flags, in increasing precedence.
 * Option names are fleet's where they still apply; the rest are ours (listen, api_socket, ...).
 */
public record FleetConfig(
        List<String> etcdServers,
        String etcdKeyPrefix,
        Duration etcdRequestTimeout,
        Optional<Path> etcdCaFile,
        Optional<Path> etcdCertFile,
        Optional<Path> etcdKeyFile,
        Optional<String> etcdUsername,
        Optional<String> etcdPassword,
        String publicIp,
        Map<String, String> metadata,
        Duration agentTtl,
        Duration engineReconcileInterval,
        Path unitsDirectory,
        boolean systemdUser,
        boolean disableEngine,
        int tokenLimit,
        int verbosity,
        Path apiSocket,
        Optional<String> apiSocketGroup,
        List<String> listen,
        Optional<Path> listenCertFile,
        Optional<Path> listenKeyFile,
        Optional<Path> listenCaFile,
        Optional<Duration> stopOnDisconnectAfter,
        Path machineIdFile,
        Optional<String> dbusAddress,
        PlacementConfig placement,
        AccessConfig access) {

    public FleetConfig {
        etcdServers = List.copyOf(etcdServers);
        metadata = Map.copyOf(metadata);
        listen = List.copyOf(listen);
        access = access == null ? AccessConfig.NONE : access;
    }

    /** The config as an operator reads it in the log: secrets are never shown. */
    public String describe() {
        return "etcd_servers=" + etcdServers + " etcd_key_prefix=" + etcdKeyPrefix
                + " public_ip=" + (publicIp.isEmpty() ? "-" : publicIp) + " metadata=" + new java.util.TreeMap<>(metadata)
                + " agent_ttl=" + agentTtl.toMillis() + "ms engine_reconcile_interval=" + engineReconcileInterval.toMillis() + "ms"
                + " units_directory=" + unitsDirectory + " disable_engine=" + disableEngine + " systemd_user=" + systemdUser
                + " api_socket=" + apiSocket + " listen=" + listen + " " + access
                + " etcd_username=" + etcdUsername.orElse("-") + " etcd_password=" + (etcdPassword.isPresent() ? "(set)" : "-")
                + " stop_on_disconnect_after=" + stopOnDisconnectAfter.map(d -> d.toMillis() + "ms").orElse("never")
                + placement.describe();
    }
}
