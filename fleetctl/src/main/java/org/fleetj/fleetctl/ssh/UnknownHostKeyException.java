package org.fleetj.fleetctl.ssh;

import java.security.PublicKey;

/**
 * The host is not in known_hosts and the user did not (or could not) accept its key. Carries what the
 * host presented, so that the connector can ask the user and retry with the key recorded.
 */
public final class UnknownHostKeyException extends SshException {
    private static final long serialVersionUID = 1L;

    private final transient HostAddress address;
    private final transient HostKeyCheck check;
    private final transient PublicKey key;

    public UnknownHostKeyException(String message) {
        this(message, null, null, null);
    }

    UnknownHostKeyException(String message, HostAddress address, HostKeyCheck check, PublicKey key) {
        super(message);
        this.address = address;
        this.check = check;
        this.key = key;
    }

    /** The host that presented the key; null when not known. */
    HostAddress address() {
        return address;
    }

    HostKeyCheck check() {
        return check;
    }

    PublicKey key() {
        return key;
    }
}
