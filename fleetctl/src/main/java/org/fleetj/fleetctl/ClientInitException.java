package org.fleetj.fleetctl;

/** The global flags do not describe a usable client; printed as "Unable to initialize client: ...". */
public final class ClientInitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClientInitException(String message, Throwable cause) {
        super(message, cause);
    }
}
