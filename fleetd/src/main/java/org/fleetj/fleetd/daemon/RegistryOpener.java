package org.fleetj.fleetd.daemon;

import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.registry.Registry;

/** Opens fleetd's registry client. Must not block on an unreachable store: fleetd starts anyway and retries. */
@FunctionalInterface
public interface RegistryOpener {
    Registry open(FleetConfig config);

    /** etcd v3 through jetcd, as configured by the etcd_* options. */
    RegistryOpener ETCD = EtcdRegistryOpener::open;
}
