package org.fleetj.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fleetj.testkit.ApiCredentials;
import org.fleetj.testkit.Machine;

/**
 * The credentials of a local cluster's fleetd API, TLS with access roles as {@code scripts/local-cluster up} makes it
 * by default ({@code scripts/local-cluster-tls} wrote them; {@code scripts/local-cluster env} shows them).
 */
final class SecureApi {
    final Path caFile;
    final String writeToken;
    final String readToken;
    final ApiCredentials credentials;

    private SecureApi(ApiCredentials credentials) {
        this.credentials = credentials;
        this.caFile = credentials.caFile();
        this.writeToken = credentials.writeToken();
        this.readToken = credentials.readToken();
    }

    /** The cluster's credentials; fails for a cluster made with a plain-HTTP API. */
    static SecureApi of(FleetCluster c) {
        return new SecureApi(c.local().apiCredentials()
                .orElseThrow(() -> new IllegalStateException("cluster " + c.local().name() + " has a plain-HTTP API")));
    }

    static String url(Machine m) {
        if (!m.apiUrl().startsWith("https://")) throw new IllegalStateException(m.name() + "'s API is not TLS: " + m.apiUrl());
        return m.apiUrl();
    }

    /** fleetctl's API driver against {@code m} with the token of a role. */
    Map<String, String> apiEnv(Machine m, String token) {
        return Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", url(m), "FLEETCTL_CA_FILE", caFile.toString(),
                "FLEETCTL_API_TOKEN", token);
    }

    static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // leftovers under target/ only
        }
    }
}
