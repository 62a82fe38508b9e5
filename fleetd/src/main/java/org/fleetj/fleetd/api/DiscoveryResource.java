package org.fleetj.fleetd.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code /discovery}: the Google-API-style discovery document of the v1 API, served as fleet served schema/v1.json. */
final class DiscoveryResource implements Resource {
    static final String RESOURCE = "discovery-v1.json";
    private final byte[] document;

    DiscoveryResource() {
        try (InputStream in = DiscoveryResource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("discovery document " + RESOURCE + " missing from the fleetd jar");
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the discovery document " + RESOURCE, e);
        }
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        if (!request.path().isEmpty()) throw ApiException.notFound("resource not found");
        // fleet answers 400 here, not 405 as its other resources do
        if (!request.method().equals("GET")) throw ApiException.badRequest("only HTTP GET supported against this resource");
        return new ApiResponse(200, ApiJson.CONTENT_TYPE, document);
    }
}
