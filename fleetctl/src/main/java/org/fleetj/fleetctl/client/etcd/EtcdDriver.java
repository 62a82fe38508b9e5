package org.fleetj.fleetctl.client.etcd;

import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.api.TlsFiles;

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
     */
    public static FleetClient open(String endpoints, String prefix, TlsFiles tls, long requestTimeoutMillis, String tunnel) {
        throw new FleetClientException("the etcd driver needs org.fleetj.registry.etcd.EtcdRegistry, which this build does not contain yet");
    }
}
