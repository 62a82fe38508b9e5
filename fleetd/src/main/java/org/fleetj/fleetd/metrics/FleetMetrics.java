package org.fleetj.fleetd.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.fleetj.fleetd.agent.AgentTask;
import org.fleetj.registry.RegistryMetrics;

/**
 * fleetd's metrics, served at {@code /metrics} through the Prometheus Java client (prometheus-metrics-core and its
 * text exposition). The engine and registry metrics carry fleet's own names (its metrics documentation: namespace
 * {@code fleet}, subsystems {@code engine} and {@code registry}, the same label names), so existing dashboards keep
 * working; the agent and API metrics are ours.
 *
 * <p>One instance per fleetd, handed to the engine, the agents and the API server; the registry keeps its own
 * figures ({@link RegistryMetrics}), read at scrape time once {@link #exportRegistryMetrics} names them.
 * Thread-safe.
 */
public final class FleetMetrics {
    /** The Content-Type of {@link #scrape()}'s output (Prometheus text format 0.0.4). */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.builder()
            .setIncludeCreatedTimestamps(false).build();

    // ---- engine (fleet's names) --------------------------------------------------------------
    /** {@code fleet_engine_leader_start_time}: epoch seconds when this fleetd last became engine leader. */
    public final Gauge engineLeaderStartTime = register(Gauge.builder().name("fleet_engine_leader_start_time")
            .help("Start time of becoming an engine leader since epoch in seconds.").withoutExemplars().build());
    private final Counter engineTaskCount = counter("fleet_engine_task_count_total",
            "Counter of engine schedule tasks.", "type");
    private final Counter engineTaskFailureCount = counter("fleet_engine_task_failure_count_total",
            "Counter of engine schedule task failures.", "type");
    /** {@code fleet_engine_reconcile_count_total}: successful reconcile rounds. */
    public final Counter engineReconcileCount = counter("fleet_engine_reconcile_count_total",
            "Counter of reconcile rounds.");
    /** {@code fleet_engine_reconcile_duration_second}: seconds per successful reconcile round. */
    public final Histogram engineReconcileDuration = histogram("fleet_engine_reconcile_duration_second",
            "Histogram of time (in seconds) each schedule round takes.");
    private final Counter engineReconcileFailureCount = counter("fleet_engine_reconcile_failure_count_total",
            "Counter of scheduling failures.", "type");

    // ---- registry (fleet's names; figures kept by the registry itself, read at scrape time) ---
    private volatile RegistryMetrics registryMetrics;

    {
        registry.register(() -> counterSnapshot("fleet_registry_operation_count",
                "Counter of successful registry operations.", s -> s.count() - s.failures()));
        registry.register(() -> counterSnapshot("fleet_registry_operation_failed_count",
                "Counter of failed registry operations.", RegistryMetrics.OpStats::failures));
        registry.register(this::registryDurationSnapshot);
        registry.register(this::registryMaxDurationSnapshot);
    }

    // ---- agent (ours) ------------------------------------------------------------------------
    /** {@code fleet_agent_reconcile_count_total}: agent reconcile rounds completed. */
    public final Counter agentReconcileCount = counter("fleet_agent_reconcile_count_total",
            "Counter of agent reconcile rounds.");
    /** {@code fleet_agent_reconcile_duration_second}. */
    public final Histogram agentReconcileDuration = histogram("fleet_agent_reconcile_duration_second",
            "Histogram of time (in seconds) each agent reconcile round takes.");
    /** {@code fleet_agent_reconcile_failure_count_total}: rounds that ended in an error. */
    public final Counter agentReconcileFailures = counter("fleet_agent_reconcile_failure_count_total",
            "Counter of failed agent reconcile rounds.");
    private final Counter agentTaskCount = counter("fleet_agent_task_count_total",
            "Counter of agent tasks executed against systemd, by type (load, unload, start, stop, reload).", "type");
    private final Counter agentTaskFailureCount = counter("fleet_agent_task_failure_count_total",
            "Counter of agent tasks that failed, by type.", "type");
    /** {@code fleet_agent_unit_state_publish_count_total}: unit states written to the registry. */
    public final Counter agentStatePublishes = counter("fleet_agent_unit_state_publish_count_total",
            "Counter of unit states published by this agent.");
    /** {@code fleet_agent_units}: units this agent currently has loaded or launched. */
    public final Gauge agentUnits = register(Gauge.builder().name("fleet_agent_units")
            .help("Number of units this agent currently manages.").withoutExemplars().build());
    /** {@code fleet_agent_registry_connected}: 1 while this agent reaches the registry, 0 while it does not. */
    public final Gauge agentRegistryConnected = register(Gauge.builder().name("fleet_agent_registry_connected")
            .help("1 while the agent can reach the registry, 0 otherwise.").withoutExemplars().build());

    // ---- API (ours) --------------------------------------------------------------------------
    private final Counter apiRequestCount = counter("fleet_api_request_count_total",
            "Counter of API requests, by method and status code.", "method", "code");
    /** {@code fleet_api_request_duration_second}. */
    public final Histogram apiRequestDuration = histogram("fleet_api_request_duration_second",
            "Histogram of time (in seconds) each API request takes.");

    {
        // every labelled family is listed from the start, at 0, with the label values fleetd uses, so a dashboard
        // (and fleet's documentation) finds each metric before the first event
        for (String type : new String[] {"schedule", "unschedule"}) {
            engineTaskCount.initLabelValues(type);
            engineTaskFailureCount.initLabelValues(type);
        }
        engineReconcileFailureCount.initLabelValues("run");
        for (AgentTask.Kind kind : AgentTask.Kind.values()) {
            agentTaskCount.initLabelValues(label(kind.name()));
            agentTaskFailureCount.initLabelValues(label(kind.name()));
        }
    }

    // ---- engine ------------------------------------------------------------------------------

    /** Records that this fleetd just became the engine leader. */
    public void markEngineLeader() {
        engineLeaderStartTime.set(System.currentTimeMillis() / 1000.0);
    }

    /** {@code fleet_engine_task_count_total{type}}; type e.g. {@code schedule}, {@code unschedule}. */
    public CounterDataPoint engineTasks(String type) {
        return engineTaskCount.labelValues(label(type));
    }

    public CounterDataPoint engineTaskFailures(String type) {
        return engineTaskFailureCount.labelValues(label(type));
    }

    /** {@code fleet_engine_reconcile_failure_count_total{type}}; fleet's reasons: {@code machine_away}, {@code run}, {@code schedule}. */
    public CounterDataPoint engineReconcileFailures(String reason) {
        return engineReconcileFailureCount.labelValues(label(reason));
    }

    /** A successful engine round that started at {@code startNanos} ({@link System#nanoTime()}). */
    public void engineReconciled(long startNanos) {
        engineReconcileCount.inc();
        engineReconcileDuration.observe(secondsSince(startNanos));
    }

    // ---- registry ----------------------------------------------------------------------------

    /**
     * Serves the operation counts the registry keeps ({@link org.fleetj.registry.Registry#metrics()}) as
     * fleet's {@code fleet_registry_operation_*} metrics. The API server calls this for the registry it serves.
     */
    public void exportRegistryMetrics(RegistryMetrics metrics) {
        this.registryMetrics = metrics;
    }

    private Map<String, RegistryMetrics.OpStats> registryFigures() {
        RegistryMetrics m = registryMetrics;
        return m == null ? Map.of() : m.snapshot();
    }

    private CounterSnapshot counterSnapshot(String name, String help, ToDoubleFunction<RegistryMetrics.OpStats> value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        registryFigures().forEach((op, stats) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("type", op)).value(value.applyAsDouble(stats)).build()));
        return b.build();
    }

    /** fleet's histogram buckets are not kept by the registry: its sum and count are served as a summary. */
    private SummarySnapshot registryDurationSnapshot() {
        SummarySnapshot.Builder b = SummarySnapshot.builder().name("fleet_registry_operation_duration_second")
                .help("Time (in seconds) registry operations take (sum and count; fleet's histogram buckets are not kept).");
        registryFigures().forEach((op, stats) -> b.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                .labels(Labels.of("ops", op)).count(stats.count()).sum(stats.totalNanos() / 1e9).build()));
        return b.build();
    }

    private GaugeSnapshot registryMaxDurationSnapshot() {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("fleet_registry_operation_duration_max_second")
                .help("Slowest registry operation so far (seconds), by type.");
        registryFigures().forEach((op, stats) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("ops", op)).value(stats.maxNanos() / 1e9).build()));
        return b.build();
    }

    // ---- agent -------------------------------------------------------------------------------

    /** {@code fleet_agent_task_count_total{type}}; type one of load, unload, start, stop, reload. */
    public CounterDataPoint agentTasks(String type) {
        return agentTaskCount.labelValues(label(type));
    }

    public CounterDataPoint agentTaskFailures(String type) {
        return agentTaskFailureCount.labelValues(label(type));
    }

    public CounterDataPoint agentUnitStarts() {
        return agentTasks("start");
    }

    public CounterDataPoint agentUnitStops() {
        return agentTasks("stop");
    }

    /** A completed agent round that started at {@code startNanos}. */
    public void agentReconciled(long startNanos) {
        agentReconcileCount.inc();
        agentReconcileDuration.observe(secondsSince(startNanos));
    }

    // ---- API ---------------------------------------------------------------------------------

    public CounterDataPoint apiRequests(String method, int status) {
        return apiRequestCount.labelValues(method, Integer.toString(status));
    }

    /** An API request that started at {@code startNanos}. */
    public void apiRequestServed(long startNanos) {
        apiRequestDuration.observe(secondsSince(startNanos));
    }

    // ---- exposition --------------------------------------------------------------------------

    /** Everything, in Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    // ---- plumbing ----------------------------------------------------------------------------

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private <M extends io.prometheus.metrics.model.registry.Collector> M register(M metric) {
        registry.register(metric);
        return metric;
    }

    private Counter counter(String name, String help, String... labelNames) {
        return register(Counter.builder().name(name).help(help).labelNames(labelNames).withoutExemplars().build());
    }

    /** Classic buckets only (Prometheus' defaults, 5 ms .. 10 s, the ones fleet's histograms used). */
    private Histogram histogram(String name, String help) {
        return register(Histogram.builder().name(name).help(help).classicOnly().withoutExemplars().build());
    }

    private static String label(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
