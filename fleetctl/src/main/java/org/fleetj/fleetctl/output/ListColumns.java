package org.fleetj.fleetctl.output;

import java.util.Map;
import java.util.TreeMap;
import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.client.PlacementView;
import org.fleetj.unit.Resources;
import org.fleetj.api.ApiUnitState;

/** The columns of list-units, list-unit-files and list-machines, with fleet's formatting of each value. */
public final class ListColumns {
    public static final String UNIT_STATE_DEFAULT = "unit,machine,active,sub";
    public static final String UNIT_FILE_DEFAULT = "unit,hash,dstate,state,target";
    public static final String MACHINE_DEFAULT = "machine,ip,metadata";

    private ListColumns() {
    }

    /** list-units: one row per unit per machine; {@code machines} resolves IPs for the legend. */
    public static Columns<ApiUnitState> unitStates(Map<String, ApiMachine> machines) {
        return new Columns<ApiUnitState>()
                .add("unit", (s, full) -> orDash(s.name()))
                .add("machine", (s, full) -> isEmpty(s.machineID()) ? "-" : MachineLegend.of(s.machineID(), machines, full))
                .add("active", (s, full) -> orDash(s.systemdActiveState()))
                .add("sub", (s, full) -> orDash(s.systemdSubState()))
                .add("load", (s, full) -> orDash(s.systemdLoadState()))
                .add("hash", (s, full) -> hash(s.hash(), full));
    }

    /**
     * list-unit-files. {@code hashes} holds each unit's 40-hex hash (computed from its options by the
     * caller, as the API carries none); {@code tmachine} is fleet's deprecated alias of {@code target}.
     */
    public static Columns<UnitFileRow> unitFiles(Map<String, ApiMachine> machines) {
        return unitFiles(machines, Map.of());
    }

    /** list-unit-files with {@code waitReasons} (by unit name) for the {@code reason} field beyond fleet's. */
    public static Columns<UnitFileRow> unitFiles(Map<String, ApiMachine> machines, Map<String, String> waitReasons) {
        return unitFiles(machines, waitReasons, Map.of());
    }

    /**
     * list-unit-files with, beyond fleet's fields, {@code waitReasons} for {@code reason} and {@code jobResults} (by
     * unit name) for {@code result}: how a one-shot job ended, where and when
     * ({@code failed (exit status 3) on 1f3e2a9c... at 2026-12-03T11:37:21Z}).
     */
    public static Columns<UnitFileRow> unitFiles(Map<String, ApiMachine> machines, Map<String, String> waitReasons,
                                                 Map<String, org.fleetj.api.ApiJobResult> jobResults) {
        Column<UnitFileRow> target = (r, full) -> {
            if (r.global()) return "global";
            String id = r.unit().machineID();
            return isEmpty(id) ? "-" : MachineLegend.of(id, machines, full);
        };
        return new Columns<UnitFileRow>()
                .add("unit", (r, full) -> r.unit().name())
                .add("hash", (r, full) -> hash(r.hash(), full))
                .add("dstate", (r, full) -> orDash(r.unit().desiredState()))
                .add("state", (r, full) -> r.global() ? "-" : orDash(r.unit().currentState()))
                .add("target", target)
                .add("tmachine", target)
                .add("global", (r, full) -> Boolean.toString(r.global()))
                .add("desc", (r, full) -> orDash(r.description()))
                .add("reason", (r, full) -> orDash(waitReasons.get(r.unit().name())))
                .add("result", (r, full) -> {
                    org.fleetj.api.ApiJobResult j = jobResults.get(r.unit().name());
                    if (j == null || !j.unitHash().equals(r.hash())) return "-"; // a result counts for the file that ran
                    return j.column() + " on " + MachineLegend.id(j.machineId(), full) + " at " + j.finishedAt();
                });
    }

    public static Columns<ApiMachine> machines() {
        return machines(Map.of());
    }

    /** Beyond fleet's fields, machines' placement fields: only fetched when one of them is asked for. */
    public static final java.util.Set<String> MACHINE_PLACEMENT_FIELDS = java.util.Set.of("cpu", "memory", "availability");

    /** list-machines, with {@code placement} (by machine id) for the fields beyond fleet's. */
    public static Columns<ApiMachine> machines(Map<String, PlacementView.Machine> placement) {
        return new Columns<ApiMachine>()
                .add("machine", (m, full) -> MachineLegend.id(m.id(), full))
                .add("ip", (m, full) -> orDash(m.primaryIP()))
                .add("metadata", (m, full) -> metadata(m.metadata()))
                .add("cpu", (m, full) -> {
                    PlacementView.Machine p = placement.get(m.id());
                    return p == null || p.cpuMillis() == 0 ? "-" : Resources.formatCpu(p.cpuMillis()).replace(" CPU", "");
                })
                .add("memory", (m, full) -> {
                    PlacementView.Machine p = placement.get(m.id());
                    return p == null || p.memoryBytes() == 0 ? "-" : Resources.formatMemory(p.memoryBytes()).replace(" ", "");
                })
                .add("availability", (m, full) -> {
                    PlacementView.Machine p = placement.get(m.id());
                    return p == null ? "-" : p.availability();
                });
    }

    /** {@code k=v} pairs sorted by key, joined by commas; {@code -} when there are none. */
    static String metadata(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) return "-";
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            if (sb.length() > 0) sb.append(',');
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    static String hash(String hash, boolean full) {
        if (isEmpty(hash)) return "-";
        return full || hash.length() <= 7 ? hash : hash.substring(0, 7);
    }

    private static String orDash(String s) {
        return isEmpty(s) ? "-" : s;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
