package org.fleetj.fleetd.metrics;

/** The Prometheus metric types this registry knows, with their exposition-format word. */
public enum MetricType {
    COUNTER("counter"), GAUGE("gauge"), HISTOGRAM("histogram"), SUMMARY("summary");

    final String word;

    MetricType(String word) {
        this.word = word;
    }
}
