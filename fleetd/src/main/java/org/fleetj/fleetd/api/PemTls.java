package org.fleetj.fleetd.api;

import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.fleetj.registry.tls.PemFileException;
import org.fleetj.registry.tls.PemFiles;

/**
 * Jetty TLS settings from PEM files, as fleet and etcd take them: a certificate chain, its private key (PKCS#8,
 * PKCS#1 RSA or SEC1 EC, read by {@link PemFiles}), and optionally a CA bundle that client certificates must be
 * signed by. The same files serve fleetd's listeners and, as a client certificate, fleetd's relayed calls to the
 * other fleetds of the cluster.
 */
public final class PemTls {
    private static final char[] STORE_PASSWORD = "fleetd-in-memory".toCharArray();

    private PemTls() {
    }

    /**
     * @param clientCertOptional with a CA: ask for a client certificate but let clients without one finish the
     *                           handshake (they then authenticate with a bearer token, checked per request)
     */
    static SslContextFactory.Server serverContext(Path certFile, Path keyFile, Optional<Path> caFile,
                                                  boolean clientCertOptional) throws ApiServerException {
        try {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(keyStore(certFile, keyFile));
            ssl.setKeyStorePassword(new String(STORE_PASSWORD));
            ssl.setEndpointIdentificationAlgorithm(null);
            if (caFile.isPresent()) {
                ssl.setTrustStore(PemFiles.trustStore(caFile.get(), "listen_cafile"));
                if (clientCertOptional) {
                    ssl.setWantClientAuth(true);
                } else {
                    ssl.setNeedClientAuth(true);
                }
            }
            return ssl;
        } catch (PemFileException e) {
            throw new ApiServerException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * TLS for fleetd calling another fleetd: this machine's listener certificate and key as the client
     * certificate, and the cluster CA ({@code listen_cafile}) as the only trust, when given.
     */
    public static SslContextFactory.Client clientContext(Path certFile, Path keyFile, Optional<Path> caFile) throws ApiServerException {
        try {
            SslContextFactory.Client ssl = new SslContextFactory.Client();
            ssl.setKeyStore(keyStore(certFile, keyFile));
            ssl.setKeyStorePassword(new String(STORE_PASSWORD));
            if (caFile.isPresent()) {
                ssl.setTrustStore(PemFiles.trustStore(caFile.get(), "listen_cafile"));
            }
            return ssl;
        } catch (PemFileException e) {
            throw new ApiServerException("cannot set up TLS for calls to other fleetds: " + e.getMessage(), e);
        }
    }

    private static java.security.KeyStore keyStore(Path certFile, Path keyFile) throws PemFileException {
        return PemFiles.keyStore(certFile, "listen_certfile", keyFile, "listen_keyfile", "fleetd", STORE_PASSWORD);
    }
}
