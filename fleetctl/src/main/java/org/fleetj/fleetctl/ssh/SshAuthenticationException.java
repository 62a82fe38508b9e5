package org.fleetj.fleetctl.ssh;

/** No way to authenticate was available, or the server accepted none of the keys offered. */
public final class SshAuthenticationException extends SshException {
    private static final long serialVersionUID = 1L;

    public SshAuthenticationException(String message) {
        super(message);
    }

    public SshAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
