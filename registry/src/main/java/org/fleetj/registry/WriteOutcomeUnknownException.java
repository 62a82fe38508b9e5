package org.fleetj.registry;

/**
 * A write that was sent to the registry but not answered in time (or whose connection broke after it was
 * sent): etcd may have applied it or not. Callers must not report it as "not done": the message says the change
 * may have been applied, and a caller that retries must make the retry safe (read first, or compare-and-set).
 */
public final class WriteOutcomeUnknownException extends RegistryUnavailableException {
    private static final long serialVersionUID = 1L;

    public WriteOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
