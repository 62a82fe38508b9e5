package org.fleetj.fleetctl.client.api;

/** A JSON document that could not be read. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
