package org.fleetj.registry.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keys and certificates as openssl writes them, read by PemFiles and used in a real TLS handshake. */
class PemFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "PKCS#1 RSA,   'genrsa -traditional -out KEY 2048',                                     RSA PRIVATE KEY, RSA",
        "PKCS#8 RSA,   'genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out KEY',         PRIVATE KEY,     RSA",
        "SEC1 EC,      'ecparam -name prime256v1 -genkey -out KEY',                             EC PRIVATE KEY,  EC",
        "SEC1 EC without its public key, 'ecparam -name prime256v1 -genkey -out KEY.full; ec -in KEY.full -no_public -out KEY', EC PRIVATE KEY, EC",
        "PKCS#8 EC,    'genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out KEY',       PRIVATE KEY,     EC",
        "PKCS#8 Ed25519, 'genpkey -algorithm ED25519 -out KEY',                                 PRIVATE KEY,     Ed25519",
    })
    void everyKeyFormatOpensslWritesIsReadAndServesATlsHandshake(String kind, String generate, String pemLabel,
                                                                  String algorithm) throws Exception {
        Path key = dir.resolve("server.key");
        for (String step : generate.split("; ")) openssl(step.replace("KEY", key.toString()));
        assertTrue(Files.readString(key).contains("-----BEGIN " + pemLabel + "-----"), kind + " file as expected");
        Path cert = dir.resolve("server.crt");
        openssl("req -new -x509 -key " + key + " -out " + cert + " -days 1 -subj /CN=localhost");

        PrivateKey read = PemFiles.privateKey(key, "key_file");
        assertTrue(read.getAlgorithm().equalsIgnoreCase(algorithm) || read.getAlgorithm().equals("EdDSA"),
                kind + " read as " + read.getAlgorithm());
        assertEquals(List.of("CN=localhost"), PemFiles.certificates(cert, "cert_file").stream()
                .map(c -> c.getSubjectX500Principal().getName()).toList());

        assertEquals("hello over " + kind, handshake(
                PemFiles.keyStore(cert, "cert_file", key, "key_file", "server", "pw".toCharArray()),
                PemFiles.trustStore(cert, "ca_file"), "hello over " + kind));
    }

    @Test
    void aChainIsReadLeafFirstSkippingOtherBlocks() throws Exception {
        Path caKey = dir.resolve("ca.key");
        Path ca = dir.resolve("ca.crt");
        openssl("ecparam -name prime256v1 -genkey -out " + caKey);
        openssl("req -new -x509 -key " + caKey + " -out " + ca + " -days 1 -subj /CN=test-ca");
        Path leafKey = dir.resolve("leaf.key");
        Path csr = dir.resolve("leaf.csr");
        Path leaf = dir.resolve("leaf.crt");
        openssl("ecparam -name prime256v1 -genkey -out " + leafKey);
        openssl("req -new -key " + leafKey + " -out " + csr + " -subj /CN=leaf");
        openssl("x509 -req -in " + csr + " -CA " + ca + " -CAkey " + caKey + " -CAcreateserial -out " + leaf + " -days 1");
        Path bundle = dir.resolve("bundle.pem");
        // a key block and a certificate request among the certificates are skipped
        Files.writeString(bundle, Files.readString(leaf) + Files.readString(csr) + Files.readString(ca));

        List<X509Certificate> chain = PemFiles.certificates(bundle, "cert_file");
        assertEquals(List.of("CN=leaf", "CN=test-ca"), chain.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
        // the SEC1 file starts with an EC PARAMETERS block, which is skipped
        assertTrue(Files.readString(leafKey).contains("EC PARAMETERS"));
        assertEquals("EC", PemFiles.privateKey(leafKey, "key_file").getAlgorithm());
    }

    @Test
    void whatCannotBeUsedIsNamedWithItsOptionAndFile() throws Exception {
        Path missing = dir.resolve("nosuch.pem");
        assertEquals("cannot read key_file " + missing + ": no such file",
                assertThrows(PemFileException.class, () -> PemFiles.privateKey(missing, "key_file")).getMessage());

        Path csr = dir.resolve("only.csr");
        Path key = dir.resolve("k.key");
        openssl("ecparam -name prime256v1 -genkey -noout -out " + key);
        openssl("req -new -key " + key + " -out " + csr + " -subj /CN=x");
        assertEquals("key_file " + csr + " holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)",
                assertThrows(PemFileException.class, () -> PemFiles.privateKey(csr, "key_file")).getMessage());
        assertEquals("cert_file " + key + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                assertThrows(PemFileException.class, () -> PemFiles.certificates(key, "cert_file")).getMessage());

        Path encrypted = dir.resolve("encrypted.key");
        openssl("pkcs8 -topk8 -in " + key + " -out " + encrypted + " -passout pass:secret");
        assertTrue(assertThrows(PemFileException.class, () -> PemFiles.privateKey(encrypted, "key_file")).getMessage()
                .startsWith("key_file " + encrypted + " is encrypted; give an unencrypted key"));

        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(PemFileException.class, () -> PemFiles.certificates(garbage, "ca_file")).getMessage()
                .startsWith("cannot read ca_file " + garbage + ": "));
    }

    /** Serves one line over TLS with {@code keys} and reads it back through a client trusting {@code trust}. */
    private static String handshake(KeyStore keys, KeyStore trust, String line) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "pw".toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept(); OutputStream out = s.getOutputStream()) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                InputStream in = s.getInputStream();
                String got = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                served.get(30, TimeUnit.SECONDS);
                return got;
            }
        }
    }

    private void openssl(String args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args.trim().split("\\s+")));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + args + " failed: " + out);
        }
    }
}
