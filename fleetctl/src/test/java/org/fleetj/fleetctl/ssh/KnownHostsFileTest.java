package org.fleetj.fleetctl.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsFileTest {
    private static final HostAddress M1 = new HostAddress("10.70.1.11", 22);
    private static final HostAddress M1_2222 = new HostAddress("10.70.1.11", 2222);

    private final PublicKey ecKey = TestKeys.ec();
    private final PublicKey otherEcKey = TestKeys.ec();
    private final PublicKey rsaKey = rsa();

    @TempDir
    Path dir;

    @Test
    void aRecordedKeyIsKnownAndAnotherKeyOfTheSameTypeHasChanged() {
        KnownHostsFile file = KnownHostsFile.parse(dir.resolve("kh"), "# comment\n\n" + line("10.70.1.11,m1", ecKey) + "\n");
        HostKeyCheck known = file.check(M1, ecKey);
        assertEquals(HostKeyCheck.Status.KNOWN, known.status());
        assertEquals("10.70.1.11", known.hostName());
        assertEquals("ECDSA", known.keyTypeLabel());

        HostKeyCheck changed = file.check(M1, otherEcKey);
        assertEquals(HostKeyCheck.Status.CHANGED, changed.status());
        assertEquals(3, changed.offendingLine(), "comment and blank lines count");
        assertTrue(changed.fingerprint().startsWith("SHA256:"));
    }

    @Test
    void anUnlistedHostOrPortOrKeyTypeIsUnknown() {
        KnownHostsFile file = KnownHostsFile.parse(dir.resolve("kh"), line("10.70.1.11", ecKey) + "\n");
        assertEquals(HostKeyCheck.Status.UNKNOWN, file.check(new HostAddress("10.70.1.12", 22), ecKey).status());
        // another port is another host for OpenSSH: [host]:port
        assertEquals(HostKeyCheck.Status.UNKNOWN, file.check(M1_2222, ecKey).status());
        assertEquals("[10.70.1.11]:2222", file.check(M1_2222, ecKey).hostName());
        // a key of a type not recorded is not a changed key
        assertEquals(HostKeyCheck.Status.UNKNOWN, file.check(M1, rsaKey).status());
        assertEquals(List.of("ecdsa-sha2-nistp256"), file.knownKeyTypes(M1));
    }

    @Test
    void portsAreMatchedInBracketForm() {
        KnownHostsFile file = KnownHostsFile.parse(dir.resolve("kh"), line("[10.70.1.11]:2222", ecKey) + "\n");
        assertEquals(HostKeyCheck.Status.KNOWN, file.check(M1_2222, ecKey).status());
        assertEquals(HostKeyCheck.Status.UNKNOWN, file.check(M1, ecKey).status());
    }

    @Test
    void hashedHostNamesMatch() throws Exception {
        String text = line(hashed("10.70.1.11"), ecKey) + "\n" + line(hashed("[10.70.1.11]:2222"), rsaKey) + "\n";
        KnownHostsFile file = KnownHostsFile.parse(dir.resolve("kh"), text);
        assertEquals(HostKeyCheck.Status.KNOWN, file.check(M1, ecKey).status());
        assertEquals(HostKeyCheck.Status.CHANGED, file.check(M1, otherEcKey).status());
        assertEquals(HostKeyCheck.Status.KNOWN, file.check(M1_2222, rsaKey).status());
        assertEquals(HostKeyCheck.Status.UNKNOWN, file.check(new HostAddress("10.70.1.12", 22), ecKey).status());
    }

    @Test
    void aRevokedKeyIsRefusedEvenWhenAlsoListedAsValid() {
        String text = line("10.70.1.11", ecKey) + "\n@revoked * " + keyText(ecKey) + "\n";
        KnownHostsFile file = KnownHostsFile.parse(dir.resolve("kh"), text);
        HostKeyCheck check = file.check(M1, ecKey);
        assertEquals(HostKeyCheck.Status.REVOKED, check.status());
        assertEquals(2, check.offendingLine());
        assertEquals(HostKeyCheck.Status.UNKNOWN, file.check(M1, rsaKey).status());
    }

    @Test
    void anyOfSeveralLinesForAHostMayHoldTheKey() {
        String text = line("10.70.1.11", otherEcKey) + "\n" + line("10.70.1.11", ecKey) + "\n";
        KnownHostsFile file = KnownHostsFile.parse(dir.resolve("kh"), text);
        assertEquals(HostKeyCheck.Status.KNOWN, file.check(M1, ecKey).status());
    }

    @Test
    void addAppendsAnOpenSshLineCreatingTheFileAndItsDirectory() throws IOException {
        Path path = dir.resolve("sub/known_hosts");
        KnownHostsFile file = KnownHostsFile.load(path);
        assertEquals(HostKeyCheck.Status.UNKNOWN, file.check(M1_2222, ecKey).status());
        file.add(M1_2222, ecKey);
        assertEquals(HostKeyCheck.Status.KNOWN, file.check(M1_2222, ecKey).status());
        assertEquals("[10.70.1.11]:2222 " + keyText(ecKey) + "\n", Files.readString(path));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        // and a fresh read agrees
        assertEquals(HostKeyCheck.Status.KNOWN, KnownHostsFile.load(path).check(M1_2222, ecKey).status());
    }

    @Test
    void addKeepsExistingLinesAndCompletesAnUnterminatedLastLine() throws IOException {
        Path path = dir.resolve("known_hosts");
        Files.writeString(path, line("10.70.1.12", rsaKey));
        KnownHostsFile file = KnownHostsFile.load(path);
        file.add(M1, ecKey);
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        assertEquals(List.of(line("10.70.1.12", rsaKey), line("10.70.1.11", ecKey)), lines);
    }

    @Test
    void fingerprintIsSha256OfTheKeyBlobAsSshPrintsIt() throws Exception {
        byte[] blob = Base64.getDecoder().decode(keyText(ecKey).split(" ")[1]);
        String expected = "SHA256:" + Base64.getEncoder().withoutPadding()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(blob));
        assertEquals(expected, KnownHostsFile.fingerprint(ecKey));
    }

    private static String line(String hosts, PublicKey key) {
        return hosts + " " + keyText(key);
    }

    private static String keyText(PublicKey key) {
        return KnownHostsFile.lineFor(new HostAddress("x", 22), key).substring(2);
    }

    /** OpenSSH's hashed form: |1|base64(salt)|base64(HMAC-SHA1(salt, name)). */
    private static String hashed(String name) throws Exception {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        return "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(hash);
    }

    private static PublicKey rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair().getPublic();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
