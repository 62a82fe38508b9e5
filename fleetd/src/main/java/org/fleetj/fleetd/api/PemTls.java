package org.fleetj.fleetd.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty TLS settings from PEM files, as fleet and etcd take them: a certificate chain, its private key
 * (PKCS#8 "PRIVATE KEY", or PKCS#1 "RSA PRIVATE KEY"), and optionally a CA bundle that client
 * certificates must be signed by.
 */
public final class PemTls {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final char[] STORE_PASSWORD = "fleetd-in-memory".toCharArray();

    private PemTls() {
    }

    /**
     * @param clientCertOptional with a CA: ask for a client certificate but let clients without one finish the
     *                           handshake (they then authenticate with a bearer token, checked per request)
     */
    static SslContextFactory.Server serverContext(Path certFile, Path keyFile, java.util.Optional<Path> caFile,
                                                  boolean clientCertOptional) throws ApiServerException {
        try {
            List<Certificate> chain = certificates(certFile, "listen_certfile");
            PrivateKey key = privateKey(keyFile);
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("fleetd", key, STORE_PASSWORD, chain.toArray(new Certificate[0]));
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(keyStore);
            ssl.setKeyStorePassword(new String(STORE_PASSWORD));
            ssl.setEndpointIdentificationAlgorithm(null);
            if (caFile.isPresent()) {
                ssl.setTrustStore(trustStore(caFile.get()));
                if (clientCertOptional) {
                    ssl.setWantClientAuth(true);
                } else {
                    ssl.setNeedClientAuth(true);
                }
            }
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new ApiServerException("cannot set up TLS from listen_certfile " + certFile + " and listen_keyfile " + keyFile
                    + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ApiServerException("cannot set up TLS from listen_certfile " + certFile + ": " + e, e);
        }
    }

    /**
     * TLS for fleetd calling another fleetd: this machine's listener certificate and key as the client
     * certificate, and the cluster CA ({@code listen_cafile}) as the only trust, when given.
     */
    public static SslContextFactory.Client clientContext(Path certFile, Path keyFile, java.util.Optional<Path> caFile) throws ApiServerException {
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("fleetd", privateKey(keyFile), STORE_PASSWORD,
                    certificates(certFile, "listen_certfile").toArray(new Certificate[0]));
            SslContextFactory.Client ssl = new SslContextFactory.Client();
            ssl.setKeyStore(keyStore);
            ssl.setKeyStorePassword(new String(STORE_PASSWORD));
            if (caFile.isPresent()) {
                ssl.setTrustStore(trustStore(caFile.get()));
            }
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new ApiServerException("cannot set up TLS for calls to other fleetds from listen_certfile " + certFile + ": " + e, e);
        }
    }

    /** The CA bundle {@code listen_cafile} as a trust store. */
    private static KeyStore trustStore(Path caFile) throws GeneralSecurityException, IOException, ApiServerException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate ca : certificates(caFile, "listen_cafile")) trust.setCertificateEntry("ca-" + i++, ca);
        return trust;
    }

    static List<Certificate> certificates(Path file, String option) throws ApiServerException {
        String pem = read(file, option);
        List<Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem)) {
                if (b.type().equals("CERTIFICATE")) out.add(factory.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        } catch (GeneralSecurityException e) {
            throw new ApiServerException(option + " " + file + " holds an unreadable certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new ApiServerException(option + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return out;
    }

    static PrivateKey privateKey(Path file) throws ApiServerException {
        String pem = read(file, "listen_keyfile");
        for (Block b : blocks(pem)) {
            switch (b.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, b.der());
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(file, Der.rsaPkcs1ToPkcs8(b.der()));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new ApiServerException("listen_keyfile " + file
                        + " is encrypted; give an unencrypted key (openssl pkcs8 -topk8 -nocrypt)");
                case "EC PRIVATE KEY" -> throw new ApiServerException("listen_keyfile " + file
                        + " is a SEC1 EC key; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
                default -> {
                    // other blocks (EC PARAMETERS, certificates) are skipped
                }
            }
        }
        throw new ApiServerException("listen_keyfile " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws ApiServerException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ApiServerException("listen_keyfile " + file + " holds a private key of an unsupported type (RSA, EC and Ed25519 are supported)");
    }

    private static String read(Path file, String option) throws ApiServerException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ApiServerException("cannot read " + option + " " + file + ": " + e, e);
        }
    }

    private static List<Block> blocks(String pem) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return out;
    }

    private record Block(String type, byte[] der) {
    }

    /** Just enough DER to wrap a PKCS#1 RSA key in a PKCS#8 envelope. */
    static final class Der {
        private static final byte[] RSA_ALGORITHM = {
            0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

        private Der() {
        }

        static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
            byte[] version = {0x02, 0x01, 0x00};
            byte[] octets = tlv(0x04, pkcs1);
            byte[] body = concat(version, RSA_ALGORITHM, octets);
            return tlv(0x30, body);
        }

        private static byte[] tlv(int tag, byte[] value) {
            byte[] length = length(value.length);
            byte[] out = new byte[1 + length.length + value.length];
            out[0] = (byte) tag;
            System.arraycopy(length, 0, out, 1, length.length);
            System.arraycopy(value, 0, out, 1 + length.length, value.length);
            return out;
        }

        private static byte[] length(int n) {
            if (n < 0x80) return new byte[] {(byte) n};
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            byte[] out = new byte[1 + bytes];
            out[0] = (byte) (0x80 | bytes);
            for (int i = 0; i < bytes; i++) out[bytes - i] = (byte) (n >>> (8 * i));
            return out;
        }

        private static byte[] concat(byte[]... parts) {
            int total = 0;
            for (byte[] p : parts) total += p.length;
            byte[] out = new byte[total];
            int at = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, out, at, p.length);
                at += p.length;
            }
            return out;
        }
    }
}
