package org.fleetj.testkit;

import java.nio.file.Path;

/**
 * What {@code scripts/local-cluster-tls} made for a local cluster's TLS API: the cluster CA, a bearer token per
 * role, and a client certificate per role ({@code admin}: write, {@code viewer}: read).
 */
public record ApiCredentials(Path caFile, String writeToken, String readToken, Path adminCert, Path adminKey,
                             Path viewerCert, Path viewerKey) {
}
