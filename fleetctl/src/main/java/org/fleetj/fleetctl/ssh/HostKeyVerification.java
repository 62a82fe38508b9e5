package org.fleetj.fleetctl.ssh;

import java.security.PublicKey;
import java.util.List;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * Strict host key checking for one connection attempt. It runs on sshj's transport thread, so it never
 * waits for the user: an unknown key is refused here and remembered ({@link #failure()}); the connector
 * then asks on its own thread, without the setup timeout running, and connects again if the user said yes.
 * A changed or revoked key is refused for good.
 */
final class HostKeyVerification implements HostKeyVerifier {
    private final KnownHostsFile knownHosts;
    private final boolean interactive;
    private volatile SshException failure;

    /**
     * @param interactive whether the user can be asked afterwards (only changes the wording of the refusal)
     */
    HostKeyVerification(KnownHostsFile knownHosts, boolean interactive) {
        this.knownHosts = knownHosts;
        this.interactive = interactive;
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        HostAddress address = new HostAddress(hostname, port);
        HostKeyCheck check = knownHosts.check(address, key);
        switch (check.status()) {
            case KNOWN:
                return true;
            case UNKNOWN:
                failure = new UnknownHostKeyException(interactive ? HostKeyMessages.declined(check)
                        : HostKeyMessages.unknownNonInteractive(address, check, knownHosts.path()), address, check, key);
                return false;
            default:
                failure = new HostKeyChangedException(HostKeyMessages.changed(check, knownHosts.path()));
                return false;
        }
    }

    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        return knownHosts.knownKeyTypes(new HostAddress(hostname, port));
    }

    /** Why the last {@link #verify} refused, or null. */
    SshException failure() {
        return failure;
    }
}
