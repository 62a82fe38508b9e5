package org.fleetj.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetctlEnvTest {
    private static final Map<String, String> ETCD = Map.of("FLEETCTL_DRIVER", "etcd", "FLEETCTL_ENDPOINT", "https://10.1.2.1:20000",
            "FLEETCTL_CA_FILE", "/s/tls/etcd-ca.pem", "FLEETCTL_CERT_FILE", "/s/tls/etcd-admin.pem", "FLEETCTL_KEY_FILE",
            "/s/tls/etcd-admin-key.pem", "FLEETCTL_SSH_USERNAME", "root");

    @Test
    void switchingToTheApiDriverDropsEtcdsTlsFiles() {
        assertEquals(Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", "https://10.1.2.11:49153", "FLEETCTL_CA_FILE", "/s/tls/ca.pem",
                        "FLEETCTL_SSH_USERNAME", "root"),
                FleetctlEnv.merge(ETCD, Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", "https://10.1.2.11:49153",
                        "FLEETCTL_CA_FILE", "/s/tls/ca.pem")));
    }

    @Test
    void theSameDriverKeepsThemUnlessOverridden() {
        Map<String, String> merged = FleetctlEnv.merge(ETCD, Map.of("FLEETCTL_ENDPOINT", "http://10.1.2.1:1", "FLEETCTL_CERT_FILE", "/other.pem"));
        assertEquals("/s/tls/etcd-ca.pem", merged.get("FLEETCTL_CA_FILE"));
        assertEquals("/other.pem", merged.get("FLEETCTL_CERT_FILE"));
        assertEquals("/s/tls/etcd-admin-key.pem", merged.get("FLEETCTL_KEY_FILE"));
        assertEquals(ETCD, FleetctlEnv.merge(ETCD, Map.of("FLEETCTL_DRIVER", "etcd")));
    }
}
