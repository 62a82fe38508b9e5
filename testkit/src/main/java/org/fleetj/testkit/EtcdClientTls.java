package org.fleetj.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a client needs to reach an etcd that serves https and requires client certificates, as the local cluster's
 * etcd does by default ({@code scripts/local-cluster-tls DIR SUBNET etcd} writes them; {@code scripts/local-cluster
 * settings} lists them as {@code ETCD_CA_FILE}, {@code ETCD_CERT_FILE}, {@code ETCD_KEY_FILE}).
 *
 * <p>The private key is read as the PKCS#8 {@code PRIVATE KEY} block that {@code openssl genpkey} writes, with the
 * JDK alone: testkit has no dependencies so that every module can use it (fleetd and fleetctl read any PEM form
 * through the registry's {@code PemFiles}; a test witness only ever reads the files the local cluster made).
 *
 * @param caFile   PEM CA that signed etcd's server certificate
 * @param certFile PEM client certificate
 * @param keyFile  PEM (PKCS#8) private key of the client certificate
 */
public record EtcdClientTls(Path caFile, Path certFile, Path keyFile) {
    private static final char[] IN_MEMORY = "testkit".toCharArray();

    public EtcdClientTls {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }

    /** An SSL context that trusts the CA and presents the client certificate. */
    public SSLContext sslContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certificates(caFile)) trust.setCertificateEntry("ca" + i++, c);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey(keyFile), IN_MEMORY, certificates(certFile).toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, IN_MEMORY);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new TestkitException("cannot load the etcd client TLS files " + this + ": " + e.getMessage(), e);
        }
    }

    /** fleetctl's variables for these files (the etcd driver reads them as its etcd TLS). */
    public Map<String, String> fleetctlEnv() {
        return Map.of("FLEETCTL_CA_FILE", caFile.toString(), "FLEETCTL_CERT_FILE", certFile.toString(), "FLEETCTL_KEY_FILE",
                keyFile.toString());
    }

    private static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (all.isEmpty()) throw new GeneralSecurityException(file + " holds no certificate");
            return all;
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) throw new GeneralSecurityException(file + " holds no PKCS#8 PRIVATE KEY block");
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException(file + ": not an EC, RSA or Ed25519 key", last);
    }
}
