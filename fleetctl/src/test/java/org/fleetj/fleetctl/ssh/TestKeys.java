package org.fleetj.fleetctl.ssh;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;

/** Host keys for the SSH tests, generated fresh so that no test depends on a key checked into the repository. */
final class TestKeys {
    private TestKeys() {
    }

    /** A new ECDSA P-256 public key (ssh's {@code ecdsa-sha2-nistp256}). */
    static PublicKey ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair().getPublic();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
