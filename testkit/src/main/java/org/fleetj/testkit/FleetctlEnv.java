package org.fleetj.testkit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * fleetctl's environment variables as a test combines them, with the one rule {@code scripts/local-cluster env}
 * follows too: FLEETCTL_CA_FILE, FLEETCTL_CERT_FILE and FLEETCTL_KEY_FILE belong to the driver they were exported
 * for (the API's CA for the API driver; etcd's CA and client certificate for the etcd driver). Switching the driver
 * drops the other driver's files, which would otherwise be presented to a server that does not trust them.
 */
public final class FleetctlEnv {
    /** The variables that name TLS files, whichever driver reads them. */
    public static final List<String> TLS_FILES = List.of("FLEETCTL_CA_FILE", "FLEETCTL_CERT_FILE", "FLEETCTL_KEY_FILE");

    private FleetctlEnv() {
    }

    /** {@code base} overridden by {@code more}; when {@code more} changes FLEETCTL_DRIVER, base's TLS files are left out. */
    public static Map<String, String> merge(Map<String, String> base, Map<String, String> more) {
        Map<String, String> out = new HashMap<>(base);
        String driver = more.get("FLEETCTL_DRIVER");
        if (driver != null && !Objects.equals(driver, base.get("FLEETCTL_DRIVER"))) {
            TLS_FILES.forEach(out::remove);
        }
        out.putAll(more);
        return out;
    }
}
