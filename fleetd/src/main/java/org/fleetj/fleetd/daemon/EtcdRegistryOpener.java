package org.fleetj.fleetd.daemon;

import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.registry.Registry;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;

/** fleet.conf's etcd_* options → an {@link EtcdRegistry}. */
final class EtcdRegistryOpener {
    private EtcdRegistryOpener() {
    }

    static Registry open(FleetConfig c) {
        EtcdConfig.Builder b = EtcdConfig.builder()
                .endpoints(c.etcdServers())
                .keyPrefix(c.etcdKeyPrefix())
                .requestTimeout(c.etcdRequestTimeout());
        c.etcdCaFile().ifPresent(b::caFile);
        c.etcdCertFile().ifPresent(b::certFile);
        c.etcdKeyFile().ifPresent(b::keyFile);
        c.etcdUsername().ifPresent(b::username);
        c.etcdPassword().ifPresent(b::password);
        return EtcdRegistry.open(b.build());
    }
}
