package org.fleetj.fleetctl.client.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.fleetj.fleetctl.client.FleetClientException;

/**
 * TLS for {@code https} endpoints from fleet's flags: {@code --ca-file} (PEM certificates to trust;
 * the JVM's default trust store when empty) and {@code --cert-file}/{@code --key-file} (PEM client
 * certificate chain and PKCS#8 or PKCS#1 RSA private key). Built only when an https endpoint is used.
 */
public record TlsFiles(String caFile, String certFile, String keyFile) {

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
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate cert : certificates(caFile)) trust.setCertificateEntry("ca" + i++, cert);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (!certFile.isEmpty()) {
                KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
                keys.load(null, null);
                Collection<? extends Certificate> chain = certificates(certFile);
                keys.setKeyEntry("client", privateKey(keyFile), new char[0], chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new FleetClientException("unable to set up TLS: " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(String file) throws IOException, GeneralSecurityException {
        byte[] pem = read(file);
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        if (certs.isEmpty()) throw new FleetClientException("no certificate found in " + file);
        return certs;
    }

    private static PrivateKey privateKey(String file) throws IOException, GeneralSecurityException {
        String pem = new String(read(file), java.nio.charset.StandardCharsets.US_ASCII);
        byte[] pkcs8;
        if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
            pkcs8 = base64Between(pem, "PRIVATE KEY");
        } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            pkcs8 = wrapPkcs1Rsa(base64Between(pem, "RSA PRIVATE KEY"));
        } else {
            throw new FleetClientException("unsupported private key format in " + file
                    + ": use PEM PKCS#8 (openssl pkcs8 -topk8 -nocrypt) or PKCS#1 RSA");
        }
        List<String> algorithms = new ArrayList<>(List.of("RSA", "EC", "Ed25519"));
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // try the next algorithm: PKCS#8 does not say which one cheaply
            }
        }
        throw new FleetClientException("unable to read the private key in " + file + " (RSA, EC and Ed25519 tried)");
    }

    private static byte[] base64Between(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin) + begin.length();
        int to = pem.indexOf(end, from);
        if (to < 0) throw new FleetClientException("PEM block " + label + " is not terminated");
        return Base64.getMimeDecoder().decode(pem.substring(from, to));
    }

    /** PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: SEQUENCE { version 0, rsaEncryption AlgorithmIdentifier, OCTET STRING }. */
    private static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = der(0x04, pkcs1);
        byte[] content = new byte[version.length + algorithm.length + octet.length];
        System.arraycopy(version, 0, content, 0, version.length);
        System.arraycopy(algorithm, 0, content, version.length, algorithm.length);
        System.arraycopy(octet, 0, content, version.length + algorithm.length, octet.length);
        return der(0x30, content);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length;
        if (n < 0x80) length = new byte[]{(byte) n};
        else if (n < 0x100) length = new byte[]{(byte) 0x81, (byte) n};
        else if (n < 0x10000) length = new byte[]{(byte) 0x82, (byte) (n >> 8), (byte) n};
        else length = new byte[]{(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }

    private static byte[] read(String file) throws IOException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new FleetClientException("unable to read " + file + ": " + e.getMessage(), e);
        }
    }
}
