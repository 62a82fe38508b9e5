package org.fleetj.fleetctl.ssh;

/**
 * An SSH step failed (connect, host key, authentication, channel). The message is meant for the user
 * as is: it names the host and what went wrong.
 */
public class SshException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SshException(String message) {
        super(message);
    }

    public SshException(String message, Throwable cause) {
        super(message, cause);
    }
}
