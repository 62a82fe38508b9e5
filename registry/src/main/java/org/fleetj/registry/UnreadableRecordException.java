package org.fleetj.registry;

/**
 * A record in the store that cannot be read (not valid JSON, or a required field missing or invalid): written
 * by an older version, another tool or a partial restore. Lists skip such a record and report it; a request
 * for that very record gets this exception, whose message names the key and what is wrong with it.
 */
public final class UnreadableRecordException extends RegistryException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public UnreadableRecordException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The store key holding the unreadable value. */
    public String key() {
        return key;
    }
}
