package org.fleetj.fleetd.api;

import java.nio.charset.StandardCharsets;
import org.fleetj.fleetd.metrics.FleetMetrics;

/** {@code /metrics}: every fleetd metric in Prometheus text format. */
final class MetricsResource implements Resource {
    /** fleet's exact Content-Type for /metrics (Prometheus text format 0.0.4, no charset parameter). */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4";

    private final FleetMetrics metrics;

    MetricsResource(FleetMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws ApiException {
        request.requireMethod("GET");
        return new ApiResponse(200, CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
