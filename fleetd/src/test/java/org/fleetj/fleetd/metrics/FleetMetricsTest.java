package org.fleetj.fleetd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.fleetj.registry.RegistryMetrics;
import org.junit.jupiter.api.Test;

/** The exposition fleetd serves at /metrics: fleet's nine metrics and ours, with their types, labels and values. */
class FleetMetricsTest {
    /** Every metric family: fleet's nine (engine and registry) first, then ours, with its type. */
    private static final Map<String, String> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put("fleet_engine_leader_start_time", "gauge");
        FAMILIES.put("fleet_engine_task_count_total", "counter");
        FAMILIES.put("fleet_engine_task_failure_count_total", "counter");
        FAMILIES.put("fleet_engine_reconcile_count_total", "counter");
        FAMILIES.put("fleet_engine_reconcile_duration_second", "histogram");
        FAMILIES.put("fleet_engine_reconcile_failure_count_total", "counter");
        FAMILIES.put("fleet_registry_operation_count_total", "counter");
        FAMILIES.put("fleet_registry_operation_failed_count_total", "counter");
        FAMILIES.put("fleet_registry_operation_duration_second", "summary");
        // ours
        FAMILIES.put("fleet_registry_operation_duration_max_second", "gauge");
        FAMILIES.put("fleet_agent_reconcile_count_total", "counter");
        FAMILIES.put("fleet_agent_reconcile_duration_second", "histogram");
        FAMILIES.put("fleet_agent_reconcile_failure_count_total", "counter");
        FAMILIES.put("fleet_agent_task_count_total", "counter");
        FAMILIES.put("fleet_agent_task_failure_count_total", "counter");
        FAMILIES.put("fleet_agent_unit_state_publish_count_total", "counter");
        FAMILIES.put("fleet_agent_units", "gauge");
        FAMILIES.put("fleet_agent_registry_connected", "gauge");
        FAMILIES.put("fleet_api_request_count_total", "counter");
        FAMILIES.put("fleet_api_request_duration_second", "histogram");
    }

    /**
     * Every family is listed from the start, but for the API request counter: its label values (method, status
     * code) are known only once a request came, so it appears with the first one.
     */
    @Test
    void everyFamilyIsExposedWithItsNameTypeAndHelpBeforeAnyEventButTheFirstRequest() {
        FleetMetrics m = new FleetMetrics();
        m.exportRegistryMetrics(registryWithOneOfEach());
        Map<String, String> expected = new TreeMap<>(FAMILIES);
        expected.remove("fleet_api_request_count_total");
        assertEquals(expected, types(m.scrape()));

        m.apiRequests("GET", 200).inc();
        String text = m.scrape();
        assertEquals(new TreeMap<>(FAMILIES), types(text), text);
        for (String name : FAMILIES.keySet()) {
            assertTrue(text.contains("\n# HELP " + name + " ") || text.startsWith("# HELP " + name + " "), name + " has help");
        }
        assertTrue(FleetMetrics.CONTENT_TYPE.startsWith("text/plain; version=0.0.4"), FleetMetrics.CONTENT_TYPE);
    }

    @Test
    void samplesCarryFleetsLabelNamesAndTheValuesRecorded() {
        FleetMetrics m = new FleetMetrics();
        m.exportRegistryMetrics(registryWithOneOfEach());
        m.engineTasks("SCHEDULE").inc();
        m.engineTasks("schedule").inc();
        m.engineReconcileFailures("run").inc();
        m.engineReconciled(System.nanoTime());
        m.markEngineLeader();
        m.agentTasks("start").inc();
        m.agentTaskFailures("stop").inc();
        m.agentStatePublishes.inc();
        m.agentRegistryConnected.set(1);
        m.apiRequests("GET", 200).inc();
        m.apiRequests("POST", 405).inc();
        m.apiRequestServed(System.nanoTime());
        String text = m.scrape();

        assertEquals(2.0, value(text, "fleet_engine_task_count_total{type=\"schedule\"}"), text);
        assertEquals(0.0, value(text, "fleet_engine_task_count_total{type=\"unschedule\"}"), text);
        assertEquals(1.0, value(text, "fleet_engine_reconcile_failure_count_total{type=\"run\"}"), text);
        assertEquals(1.0, value(text, "fleet_engine_reconcile_count_total"), text);
        assertEquals(1.0, value(text, "fleet_engine_reconcile_duration_second_count"), text);
        assertEquals(1.0, value(text, "fleet_engine_reconcile_duration_second_bucket{le=\"+Inf\"}"), text);
        assertEquals(1.0, value(text, "fleet_engine_reconcile_duration_second_bucket{le=\"10.0\"}"), text);
        long now = System.currentTimeMillis() / 1000;
        double leaderSince = value(text, "fleet_engine_leader_start_time");
        assertTrue(leaderSince > now - 60 && leaderSince <= now + 1, "leader start time " + leaderSince);

        assertEquals(2.0, value(text, "fleet_registry_operation_count_total{type=\"get\"}"), text);
        assertEquals(1.0, value(text, "fleet_registry_operation_failed_count_total{type=\"get\"}"), text);
        assertEquals(3.0, value(text, "fleet_registry_operation_duration_second_count{ops=\"get\"}"), text);
        assertEquals(0.006, value(text, "fleet_registry_operation_duration_second_sum{ops=\"get\"}"), 1e-9, text);
        assertEquals(0.003, value(text, "fleet_registry_operation_duration_max_second{ops=\"get\"}"), 1e-9, text);

        assertEquals(1.0, value(text, "fleet_agent_task_count_total{type=\"start\"}"), text);
        assertEquals(1.0, value(text, "fleet_agent_task_failure_count_total{type=\"stop\"}"), text);
        assertEquals(1.0, value(text, "fleet_agent_unit_state_publish_count_total"), text);
        assertEquals(1.0, value(text, "fleet_agent_registry_connected"), text);
        assertEquals(1.0, value(text, "fleet_api_request_count_total{code=\"200\",method=\"GET\"}"), text);
        assertEquals(1.0, value(text, "fleet_api_request_count_total{code=\"405\",method=\"POST\"}"), text);
        assertEquals(1.0, value(text, "fleet_api_request_duration_second_count"), text);
    }

    private static Map<String, String> types(String text) {
        Map<String, String> types = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] f = line.split(" ");
                types.put(f[2], f[3]);
            }
        }
        return types;
    }

    private static RegistryMetrics registryWithOneOfEach() {
        RegistryMetrics r = new RegistryMetrics();
        r.record("get", 1_000_000, false);
        r.record("get", 2_000_000, false);
        r.record("get", 3_000_000, true);
        return r;
    }

    /** The value of the one sample written exactly as {@code series} (name and labels). */
    private static double value(String text, String series) {
        Double found = null;
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                assertEquals(null, found, "one sample " + series);
                found = Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        assertTrue(found != null, "no sample " + series + " in\n" + text);
        return found;
    }
}
