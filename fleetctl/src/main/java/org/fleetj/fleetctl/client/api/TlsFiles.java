package org.fleetj.fleetctl.client.api;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.registry.tls.PemFileException;
import org.fleetj.registry.tls.PemFiles;

/**
 * TLS for {@code https} endpoints from fleet's flags: {@code --ca-file} (PEM certificates to trust;
 * the JVM's default trust store when empty) and {@code --cert-file}/{@code --key-file} (PEM client
 * certificate chain and its PKCS#8, PKCS#1 RSA or SEC1 EC private key, read by {@link PemFiles}). Built only
 * when an https endpoint is used.
 */
public record TlsFiles(String caFile, String certFile, String keyFile) {
    private static final char[] IN_MEMORY = new char[0];

    public TlsFiles {
        caFile = caFile == null ? "" : caFile;
        certFile = certFile == null ? "" : certFile;
        keyFile = keyFile == null ? "" : keyFile;
    }

    public SSLSocketFactory socketFactory() {
        if (certFile.isEmpty() != keyFile.isEmpty()) {
            throw new FleetClientException("--cert-file and --key-file must be given together");
        }
        try {
            TrustManagerFactory tmf = null;
            if (!caFile.isEmpty()) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(PemFiles.trustStore(Path.of(caFile), "--ca-file"));
            }
            KeyManagerFactory kmf = null;
            if (!certFile.isEmpty()) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(PemFiles.keyStore(Path.of(certFile), "--cert-file", Path.of(keyFile), "--key-file", "client", IN_MEMORY),
                        IN_MEMORY);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (PemFileException e) {
            throw new FleetClientException(e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new FleetClientException("unable to set up TLS: " + e.getMessage(), e);
        }
    }
}
