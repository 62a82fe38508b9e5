package org.fleetj.registry.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The one reader of PEM files in the project (fleetd's API listener, fleetctl's https endpoint, the etcd client):
 * certificates, and private keys as openssl writes them: PKCS#8 ({@code PRIVATE KEY}, any algorithm), PKCS#1
 * ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}, with or without its {@code EC PARAMETERS} block).
 * BouncyCastle's {@link PEMParser} does the parsing. Every error names the file, the option it came from and what
 * was wrong with it.
 */
public final class PemFiles {
    private static final char[] NO_PASSWORD = new char[0];

    private PemFiles() {
    }

    /** Every certificate in {@code file}, in order (a chain: leaf first); at least one. */
    public static List<X509Certificate> certificates(Path file, String option) throws PemFileException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects(file, option)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    out.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new PemFileException(option + " " + file + " holds an unreadable certificate: " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new PemFileException(option + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** The first private key in {@code file}: PKCS#8, PKCS#1 RSA or SEC1 EC; unencrypted. */
    public static PrivateKey privateKey(Path file, String option) throws PemFileException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(file, option)) {
            try {
                if (o instanceof PrivateKeyInfo pkcs8) {
                    return converter.getPrivateKey(pkcs8);
                }
                if (o instanceof PEMKeyPair pair) { // PKCS#1 RSA and SEC1 EC keys
                    // the private half alone: SEC1 makes the public key optional (openssl ec -no_public), and
                    // converting the pair would fail on such a key for want of a part that is never used
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            } catch (PEMException e) {
                throw new PemFileException(option + " " + file + " holds a private key of an unsupported type ("
                        + e.getMessage() + "); RSA, EC and Ed25519 keys are supported", e);
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new PemFileException(option + " " + file
                        + " is encrypted; give an unencrypted key (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
            }
            // other blocks (EC PARAMETERS, certificates) are skipped
        }
        throw new PemFileException(option + " " + file
                + " holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /** A key store holding the certificates of {@code file} as trusted entries. */
    public static KeyStore trustStore(Path file, String option) throws PemFileException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : certificates(file, option)) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            return trust;
        } catch (GeneralSecurityException | IOException e) {
            throw new PemFileException("cannot build a trust store from " + option + " " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A key store holding the key of {@code keyFile} with the chain of {@code certFile} under {@code alias}, its
     * entry protected by {@code password} (key stores built here live in memory only).
     */
    public static KeyStore keyStore(Path certFile, String certOption, Path keyFile, String keyOption, String alias,
                                    char[] password) throws PemFileException {
        List<X509Certificate> chain = certificates(certFile, certOption);
        PrivateKey key = privateKey(keyFile, keyOption);
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(alias, key, password == null ? NO_PASSWORD : password, chain.toArray(new X509Certificate[0]));
            return keys;
        } catch (GeneralSecurityException | IOException e) {
            throw new PemFileException(keyOption + " " + keyFile + " does not go with " + certOption + " " + certFile
                    + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> objects(Path file, String option) throws PemFileException {
        List<Object> out = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                out.add(o);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PemFileException("cannot read " + option + " " + file + ": no such file", e);
        } catch (IOException | RuntimeException e) {
            throw new PemFileException("cannot read " + option + " " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
