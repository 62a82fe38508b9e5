package org.fleetj.fleetd.daemon;

import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.registry.Registry;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;

/** fleet.conf's etcd_* options → an {@link EtcdRegistry}. */
final class EtcdRegistryOpener {
    static final java.time.Duration FIRST_CONTACT_TIMEOUT = java.time.Duration.ofSeconds(5);

    private EtcdRegistryOpener() {
    }

    static Registry open(FleetConfig c) {
        EtcdConfig.Builder b = EtcdConfig.builder()
                .endpoints(c.etcdServers())
                .keyPrefix(c.etcdKeyPrefix())
                .requestTimeout(c.etcdRequestTimeout())
                // the first request also loads gRPC and opens the channel: do not give up on it after 1 s
                .firstContactTimeout(FIRST_CONTACT_TIMEOUT);
        c.etcdCaFile().ifPresent(b::caFile);
        c.etcdCertFile().ifPresent(b::certFile);
        c.etcdKeyFile().ifPresent(b::keyFile);
        c.etcdUsername().ifPresent(b::username);
        c.etcdPassword().ifPresent(b::password);
        return EtcdRegistry.open(b.build());
    }
}
