package org.fleetj.fleetd.api;

import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.fleetj.registry.tls.PemFileException;
import org.fleetj.registry.tls.PemFiles;

/**
 * Jetty TLS settings from PEM files, as fleet and etcd take them: a certificate chain, its private key (PKCS#8,
 * PKCS#1 RSA or SEC1 EC, read by {@link PemFiles}), and optionally a CA bundle that client certificates must be
 * signed by.
 */
final class PemTls {
    private static final char[] STORE_PASSWORD = "fleetd-in-memory".toCharArray();

    private PemTls() {
    }

    static SslContextFactory.Server serverContext(Path certFile, Path keyFile, Optional<Path> caFile) throws ApiServerException {
        try {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(PemFiles.keyStore(certFile, "listen_certfile", keyFile, "listen_keyfile", "fleetd", STORE_PASSWORD));
            ssl.setKeyStorePassword(new String(STORE_PASSWORD));
            ssl.setEndpointIdentificationAlgorithm(null);
            if (caFile.isPresent()) {
                ssl.setTrustStore(PemFiles.trustStore(caFile.get(), "listen_cafile"));
                ssl.setNeedClientAuth(true);
            }
            return ssl;
        } catch (PemFileException e) {
            throw new ApiServerException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
