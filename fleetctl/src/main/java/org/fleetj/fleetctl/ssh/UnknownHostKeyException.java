package org.fleetj.fleetctl.ssh;

/** The host is not in known_hosts and the user did not (or could not) accept its key. */
public final class UnknownHostKeyException extends SshException {
    private static final long serialVersionUID = 1L;

    public UnknownHostKeyException(String message) {
        super(message);
    }
}
