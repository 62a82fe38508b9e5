package org.fleetj.fleetd.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.fleetj.registry.RegistryMetrics;

/**
 * fleetd's metrics, served at {@code /metrics}. The engine and registry metrics carry fleet's own names
 * (Documentation/metrics.md: namespace {@code fleet}, subsystems {@code engine} and {@code registry}, the
 * same label names), so existing dashboards keep working; the agent and API metrics are ours.
 *
 * <p>One instance per fleetd, handed to the engine, the agents and the API server; the registry keeps
 * its own figures ({@link RegistryMetrics}), exported here by {@link #exportRegistryMetrics}. All methods are thread-safe and allocation-free after
 * the first use of a label value.
 */
public final class FleetMetrics {
    private final MetricsRegistry registry = new MetricsRegistry();

    // ---- engine (fleet's names) --------------------------------------------------------------
    /** {@code fleet_engine_leader_start_time}: epoch seconds when this fleetd last became engine leader. */
    public final Gauge engineLeaderStartTime = registry.gauge("fleet_engine_leader_start_time",
            "Start time of becoming an engine leader since epoch in seconds.");
    private final MetricFamily<Counter> engineTaskCount = registry.counterFamily("fleet_engine_task_count_total",
            "Counter of engine schedule tasks.", "type");
    private final MetricFamily<Counter> engineTaskFailureCount = registry.counterFamily("fleet_engine_task_failure_count_total",
            "Counter of engine schedule task failures.", "type");
    /** {@code fleet_engine_reconcile_count_total}: successful reconcile rounds. */
    public final Counter engineReconcileCount = registry.counter("fleet_engine_reconcile_count_total",
            "Counter of reconcile rounds.");
    /** {@code fleet_engine_reconcile_duration_second}: seconds per successful reconcile round. */
    public final Histogram engineReconcileDuration = registry.histogram("fleet_engine_reconcile_duration_second",
            "Histogram of time (in seconds) each schedule round takes.");
    private final MetricFamily<Counter> engineReconcileFailureCount = registry.counterFamily("fleet_engine_reconcile_failure_count_total",
            "Counter of scheduling failures.", "type");

    // ---- registry (fleet's names; figures kept by the registry itself, read at scrape time) ---
    private volatile RegistryMetrics registryMetrics;

    {
        registry.collect("fleet_registry_operation_count_total", "Counter of successful registry operations.",
                MetricType.COUNTER, List.of("type"), () -> registrySamples(s -> s.count() - s.failures(), ""));
        registry.collect("fleet_registry_operation_failed_count_total", "Counter of failed registry operations.",
                MetricType.COUNTER, List.of("type"), () -> registrySamples(RegistryMetrics.OpStats::failures, ""));
        registry.collect("fleet_registry_operation_duration_second",
                "Time (in seconds) registry operations take (sum and count; fleet's histogram buckets are not kept).",
                MetricType.SUMMARY, List.of("ops"), this::registryDurationSamples);
        registry.collect("fleet_registry_operation_duration_max_second", "Slowest registry operation so far (seconds), by type.",
                MetricType.GAUGE, List.of("ops"), () -> registrySamples(s -> s.maxNanos() / 1e9, ""));
    }

    // ---- agent (ours) ------------------------------------------------------------------------
    /** {@code fleet_agent_reconcile_count_total}: agent reconcile rounds completed. */
    public final Counter agentReconcileCount = registry.counter("fleet_agent_reconcile_count_total",
            "Counter of agent reconcile rounds.");
    /** {@code fleet_agent_reconcile_duration_second}. */
    public final Histogram agentReconcileDuration = registry.histogram("fleet_agent_reconcile_duration_second",
            "Histogram of time (in seconds) each agent reconcile round takes.");
    /** {@code fleet_agent_reconcile_failure_count_total}: rounds that ended in an error. */
    public final Counter agentReconcileFailures = registry.counter("fleet_agent_reconcile_failure_count_total",
            "Counter of failed agent reconcile rounds.");
    private final MetricFamily<Counter> agentTaskCount = registry.counterFamily("fleet_agent_task_count_total",
            "Counter of agent tasks executed against systemd, by type (load, unload, start, stop, reload).", "type");
    private final MetricFamily<Counter> agentTaskFailureCount = registry.counterFamily("fleet_agent_task_failure_count_total",
            "Counter of agent tasks that failed, by type.", "type");
    /** {@code fleet_agent_unit_state_publish_count_total}: unit states written to the registry. */
    public final Counter agentStatePublishes = registry.counter("fleet_agent_unit_state_publish_count_total",
            "Counter of unit states published by this agent.");
    /** {@code fleet_agent_units}: units this agent currently has loaded or launched. */
    public final Gauge agentUnits = registry.gauge("fleet_agent_units",
            "Number of units this agent currently manages.");
    /** {@code fleet_agent_registry_connected}: 1 while this agent reaches the registry, 0 while it does not. */
    public final Gauge agentRegistryConnected = registry.gauge("fleet_agent_registry_connected",
            "1 while the agent can reach the registry, 0 otherwise.");

    // ---- API (ours) --------------------------------------------------------------------------
    private final MetricFamily<Counter> apiRequestCount = registry.counterFamily("fleet_api_request_count_total",
            "Counter of API requests, by method and status code.", "method", "code");
    /** {@code fleet_api_request_duration_second}. */
    public final Histogram apiRequestDuration = registry.histogram("fleet_api_request_duration_second",
            "Histogram of time (in seconds) each API request takes.");

    // ---- engine ------------------------------------------------------------------------------

    /** Records that this fleetd just became the engine leader. */
    public void markEngineLeader() {
        engineLeaderStartTime.setToCurrentTime();
    }

    /** {@code fleet_engine_task_count_total{type}}; type e.g. {@code schedule}, {@code unschedule}, {@code reschedule}. */
    public Counter engineTasks(String type) {
        return engineTaskCount.labels(label(type));
    }

    public Counter engineTaskFailures(String type) {
        return engineTaskFailureCount.labels(label(type));
    }

    /** {@code fleet_engine_reconcile_failure_count_total{type}}; fleet's reasons: {@code machine_away}, {@code run}, {@code schedule}. */
    public Counter engineReconcileFailures(String reason) {
        return engineReconcileFailureCount.labels(label(reason));
    }

    /** A successful engine round that started at {@code startNanos} ({@link System#nanoTime()}). */
    public void engineReconciled(long startNanos) {
        engineReconcileCount.inc();
        engineReconcileDuration.observeSince(startNanos);
    }

    // ---- registry ----------------------------------------------------------------------------

    /**
     * Serves the operation counts the registry keeps ({@link org.fleetj.registry.Registry#metrics()}) as
     * fleet's {@code fleet_registry_operation_*} metrics. The API server calls this for the registry it serves.
     */
    public void exportRegistryMetrics(RegistryMetrics metrics) {
        this.registryMetrics = metrics;
    }

    private List<MetricsRegistry.Sample> registrySamples(ToDoubleFunction<RegistryMetrics.OpStats> value, String suffix) {
        RegistryMetrics m = registryMetrics;
        if (m == null) return List.of();
        List<MetricsRegistry.Sample> out = new ArrayList<>();
        m.snapshot().forEach((op, stats) -> out.add(new MetricsRegistry.Sample(suffix, List.of(op), value.applyAsDouble(stats))));
        return out;
    }

    private List<MetricsRegistry.Sample> registryDurationSamples() {
        List<MetricsRegistry.Sample> out = new ArrayList<>(registrySamples(s -> s.totalNanos() / 1e9, "_sum"));
        out.addAll(registrySamples(RegistryMetrics.OpStats::count, "_count"));
        return out;
    }

    // ---- agent -------------------------------------------------------------------------------

    /** {@code fleet_agent_task_count_total{type}}; type one of load, unload, start, stop, reload. */
    public Counter agentTasks(String type) {
        return agentTaskCount.labels(label(type));
    }

    public Counter agentTaskFailures(String type) {
        return agentTaskFailureCount.labels(label(type));
    }

    public Counter agentUnitStarts() {
        return agentTasks("start");
    }

    public Counter agentUnitStops() {
        return agentTasks("stop");
    }

    /** A completed agent round that started at {@code startNanos}. */
    public void agentReconciled(long startNanos) {
        agentReconcileCount.inc();
        agentReconcileDuration.observeSince(startNanos);
    }

    // ---- API ---------------------------------------------------------------------------------

    public Counter apiRequests(String method, int status) {
        return apiRequestCount.labels(method, Integer.toString(status));
    }

    // ---- exposition --------------------------------------------------------------------------

    /** Everything, in Prometheus text format ({@link MetricsRegistry#CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    /** The underlying registry, to add metrics of other parts. */
    public MetricsRegistry registry() {
        return registry;
    }

    private static String label(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
