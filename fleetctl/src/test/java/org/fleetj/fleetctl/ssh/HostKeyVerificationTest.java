package org.fleetj.fleetctl.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

class HostKeyVerificationTest {
    private final PublicKey key = TestKeys.ec();
    private final PublicKey other = TestKeys.ec();
    private final Path file = Path.of("/home/u/.fleetctl/known_hosts");

    private KnownHostsFile knownHosts() {
        return KnownHostsFile.parse(file, KnownHostsFile.lineFor(new HostAddress("10.0.0.1", 22), key) + "\n");
    }

    @Test
    void aKnownKeyPasses() {
        HostKeyVerification v = new HostKeyVerification(knownHosts(), false);
        assertTrue(v.verify("10.0.0.1", 22, key));
        assertNull(v.failure());
    }

    @Test
    void aChangedKeyIsRefusedNamingTheOffendingLine() {
        HostKeyVerification v = new HostKeyVerification(knownHosts(), true);
        assertFalse(v.verify("10.0.0.1", 22, other));
        HostKeyChangedException e = assertInstanceOf(HostKeyChangedException.class, v.failure());
        assertTrue(e.getMessage().contains("REMOTE HOST IDENTIFICATION HAS CHANGED"), e.getMessage());
        assertTrue(e.getMessage().contains(file + ":1"), e.getMessage());
        assertTrue(e.getMessage().contains(KnownHostsFile.fingerprint(other)), e.getMessage());
    }

    @Test
    void anUnknownHostIsRefusedWithWhatTheConnectorNeedsToAsk() {
        HostKeyVerification v = new HostKeyVerification(knownHosts(), true);
        assertFalse(v.verify("10.0.0.2", 2222, key));
        UnknownHostKeyException e = assertInstanceOf(UnknownHostKeyException.class, v.failure());
        assertEquals(new HostAddress("10.0.0.2", 2222), e.address());
        assertEquals(key, e.key());
        assertEquals("[10.0.0.2]:2222", e.check().hostName());
    }

    @Test
    void withoutATerminalTheRefusalSaysHowToAddTheHost() {
        HostKeyVerification v = new HostKeyVerification(knownHosts(), false);
        assertFalse(v.verify("10.0.0.2", 22, key));
        String message = v.failure().getMessage();
        assertTrue(message.contains("stdin is not a terminal"), message);
        assertTrue(message.contains("ssh-keyscan -p 22 -t ecdsa-sha2-nistp256 10.0.0.2 >> " + file), message);
        assertTrue(message.contains("--strict-host-key-checking=false"), message);
    }

    @Test
    void theQuestionIsSshs() {
        HostKeyCheck check = knownHosts().check(new HostAddress("10.0.0.2", 22), key);
        String q = HostKeyMessages.unknownQuestion(new HostAddress("10.0.0.2", 22), check);
        assertTrue(q.startsWith("The authenticity of host '10.0.0.2 (10.0.0.2:22)' can't be established.\nECDSA key fingerprint is SHA256:"), q);
        assertTrue(q.endsWith("Are you sure you want to continue connecting (yes/no)? "), q);
    }
}
