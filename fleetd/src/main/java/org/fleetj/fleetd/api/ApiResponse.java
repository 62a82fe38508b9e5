package org.fleetj.fleetd.api;

/** What a resource answers: status, Content-Type (null without a body) and body bytes. */
record ApiResponse(int status, String contentType, byte[] body) {
    static final byte[] EMPTY = new byte[0];

    static ApiResponse json(int status, Object entity) {
        return new ApiResponse(status, ApiJson.CONTENT_TYPE, ApiJson.write(entity));
    }

    static ApiResponse noContent(int status) {
        return new ApiResponse(status, null, EMPTY);
    }

    static ApiResponse error(int status, String message) {
        return new ApiResponse(status, ApiJson.CONTENT_TYPE, ApiJson.error(status, message));
    }
}
