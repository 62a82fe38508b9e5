package org.fleetj.fleetd.api;

/**
 * A request the API refuses, with the HTTP status and the message sent back as fleet's error entity
 * {@code {"error":{"code":N,"message":"..."}}}. Thrown by the resources, turned into a response by the handler.
 */
final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException methodNotAllowed(String message) {
        return new ApiException(405, message);
    }
}
