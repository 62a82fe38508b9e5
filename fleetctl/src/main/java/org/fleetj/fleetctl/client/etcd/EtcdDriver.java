package org.fleetj.fleetctl.client.etcd;

import java.nio.file.Path;
import java.time.Duration;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.api.TlsFiles;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;

/**
 * Opens the etcd driver. The only class of the API path's code that names the registry's etcd
 * implementation, so jetcd is loaded only for {@code --driver=etcd}.
 */
public final class EtcdDriver {
    private EtcdDriver() {
    }

    /**
     * @param endpoints comma-separated etcd URLs (all of them are used)
     * @param prefix    the key prefix ({@code --etcd-key-prefix})
     * @param authority the name TLS checks etcd's certificate against when the endpoints are not it (the loopback
     *                  ends of a {@code --tunnel}); null otherwise
     */
    public static FleetClient open(String endpoints, String prefix, TlsFiles tls, long requestTimeoutMillis, String authority) {
        EtcdConfig config;
        try {
            EtcdConfig.Builder b = EtcdConfig.builder()
                    .endpoints(endpoints)
                    .keyPrefix(prefix)
                    .requestTimeout(Duration.ofMillis(Math.max(1, requestTimeoutMillis)));
            if (authority != null) b.authority(authority);
            if (!tls.caFile().isEmpty()) b.caFile(Path.of(tls.caFile()));
            if (!tls.certFile().isEmpty()) b.certFile(Path.of(tls.certFile()));
            if (!tls.keyFile().isEmpty()) b.keyFile(Path.of(tls.keyFile()));
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new FleetClientException("--driver=etcd: " + e.getMessage() + " (--endpoint lists the etcd URLs)", e);
        }
        return new RegistryFleetClient(EtcdRegistry.open(config));
    }
}
