package org.fleetj.fleetctl.ssh;

/** The host presented a key other than the one recorded in known_hosts: refused, never overridden. */
public final class HostKeyChangedException extends SshException {
    private static final long serialVersionUID = 1L;

    public HostKeyChangedException(String message) {
        super(message);
    }
}
