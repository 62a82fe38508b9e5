package org.fleetj.fleetd.api;

import java.nio.charset.StandardCharsets;
import org.fleetj.fleetd.metrics.FleetMetrics;

/** {@code /metrics}: every fleetd metric in Prometheus text format. */
final class MetricsResource implements Resource {
    private final FleetMetrics metrics;

    MetricsResource(FleetMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        if (!request.method().equals("GET")) throw ApiException.methodNotAllowed("only GET supported against this resource");
        return new ApiResponse(200, FleetMetrics.CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
