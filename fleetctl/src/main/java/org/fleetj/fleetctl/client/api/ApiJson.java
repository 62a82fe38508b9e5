package org.fleetj.fleetctl.client.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitOption;
import org.fleetj.api.ApiUnitState;
import org.fleetj.api.ApiUnreadableRecord;

/**
 * Maps the fleet v1 API's JSON objects to and from the wire records. Output keys are alphabetical and
 * null fields omitted, as fleetd writes them; input ignores unknown keys.
 */
public final class ApiJson {
    private ApiJson() {
    }

    public static ApiUnit unit(Object json) {
        Map<String, Object> m = object(json, "unit");
        List<ApiUnitOption> options = new ArrayList<>();
        Object raw = m.get("options");
        if (raw != null) {
            for (Object o : list(raw, "options")) {
                Map<String, Object> om = object(o, "unit option");
                options.add(new ApiUnitOption(string(om, "section"), string(om, "name"), string(om, "value")));
            }
        }
        return new ApiUnit(string(m, "name"), options, string(m, "desiredState"), string(m, "currentState"), string(m, "machineID"));
    }

    /** Beyond fleet: a record the server could not read (an entry of a page's {@code unreadable} field). */
    public static ApiUnreadableRecord unreadable(Object json) {
        Map<String, Object> m = object(json, "unreadable record");
        return new ApiUnreadableRecord(string(m, "name"), string(m, "key"), string(m, "reason"));
    }

    public static ApiUnitState unitState(Object json) {
        Map<String, Object> m = object(json, "unit state");
        return new ApiUnitState(string(m, "name"), string(m, "hash"), string(m, "machineID"),
                string(m, "systemdLoadState"), string(m, "systemdActiveState"), string(m, "systemdSubState"));
    }

    public static org.fleetj.api.ApiUnitFailures unitFailures(Object json) {
        Map<String, Object> m = object(json, "unit failures");
        List<String> gaveUpOn = new ArrayList<>();
        Object raw = m.get("gaveUpOn");
        if (raw != null) for (Object o : list(raw, "gaveUpOn")) gaveUpOn.add(String.valueOf(o));
        return new org.fleetj.api.ApiUnitFailures(string(m, "name"), number(m, "failures"), number(m, "restartsInWindow"),
                string(m, "lastFailureAt"), string(m, "lastFailureMachine"), string(m, "lastFailure"), gaveUpOn);
    }

    public static org.fleetj.api.ApiJobResult jobResult(Object json) {
        Map<String, Object> m = object(json, "job result");
        return new org.fleetj.api.ApiJobResult(string(m, "name"), string(m, "unitHash"), string(m, "machineId"),
                string(m, "result"), number(m, "exitStatus"), string(m, "exitCode"), string(m, "systemdResult"),
                string(m, "startedAt"), string(m, "finishedAt"));
    }

    private static int number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.intValue() : 0;
    }

    public static ApiMachine machine(Object json) {
        Map<String, Object> m = object(json, "machine");
        Map<String, String> metadata = new TreeMap<>();
        Object raw = m.get("metadata");
        if (raw != null) {
            for (Map.Entry<String, Object> e : object(raw, "metadata").entrySet()) {
                metadata.put(e.getKey(), e.getValue() == null ? "" : String.valueOf(e.getValue()));
            }
        }
        return new ApiMachine(string(m, "id"), string(m, "primaryIP"), metadata);
    }

    public static Map<String, Object> toJson(ApiUnit unit) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfPresent(m, "currentState", unit.currentState());
        putIfPresent(m, "desiredState", unit.desiredState());
        putIfPresent(m, "machineID", unit.machineID());
        putIfPresent(m, "name", unit.name());
        List<Object> options = new ArrayList<>();
        for (ApiUnitOption o : unit.options()) {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("name", o.name());
            om.put("section", o.section());
            om.put("value", o.value());
            options.add(om);
        }
        m.put("options", options);
        return m;
    }

    public static Map<String, Object> toJson(ApiUnitState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfPresent(m, "hash", s.hash());
        putIfPresent(m, "machineID", s.machineID());
        putIfPresent(m, "name", s.name());
        putIfPresent(m, "systemdActiveState", s.systemdActiveState());
        putIfPresent(m, "systemdLoadState", s.systemdLoadState());
        putIfPresent(m, "systemdSubState", s.systemdSubState());
        return m;
    }

    public static Map<String, Object> toJson(ApiMachine machine) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfPresent(m, "id", machine.id());
        m.put("metadata", new TreeMap<>(machine.metadata()));
        putIfPresent(m, "primaryIP", machine.primaryIP());
        return m;
    }

    /** A rollout (beyond fleet) as {@code /rollouts/<unit>} serves it. */
    public static org.fleetj.api.ApiRollout rollout(Object json) {
        Map<String, Object> m = object(json, "rollout");
        List<org.fleetj.api.ApiRolloutInstance> instances = new ArrayList<>();
        Object raw = m.get("instances");
        if (raw != null) {
            for (Object item : list(raw, "instances")) {
                Map<String, Object> i = object(item, "rollout instance");
                instances.add(new org.fleetj.api.ApiRolloutInstance(string(i, "name"), string(i, "machine"), string(i, "oldHash"),
                        string(i, "step"), string(i, "since"), string(i, "activeSince"), string(i, "note")));
            }
        }
        return new org.fleetj.api.ApiRollout(string(m, "unit"), string(m, "id"), string(m, "newHash"), number(m, "maxUnavailable"),
                longNumber(m, "minHealthyMs"), longNumber(m, "activeDeadlineMs"), Boolean.TRUE.equals(m.get("autoRevert")),
                string(m, "control"), string(m, "createdAt"), string(m, "phase"), string(m, "message"), string(m, "updatedAt"), instances);
    }

    /** A rollout in the API's shape, for {@code fleetctl rollout status -o json} whatever the driver. */
    public static Map<String, Object> toJson(org.fleetj.api.ApiRollout r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unit", r.unit());
        m.put("id", r.id());
        m.put("newHash", r.newHash());
        m.put("maxUnavailable", r.maxUnavailable());
        m.put("minHealthyMs", r.minHealthyMs());
        m.put("activeDeadlineMs", r.activeDeadlineMs());
        m.put("autoRevert", r.autoRevert());
        m.put("control", r.control());
        m.put("createdAt", r.createdAt());
        m.put("phase", r.phase());
        m.put("message", r.message());
        m.put("updatedAt", r.updatedAt());
        List<Object> instances = new ArrayList<>();
        for (org.fleetj.api.ApiRolloutInstance i : r.instances()) {
            Map<String, Object> im = new LinkedHashMap<>();
            im.put("name", i.name());
            im.put("machine", i.machine());
            im.put("oldHash", i.oldHash());
            im.put("step", i.step());
            im.put("since", i.since());
            im.put("activeSince", i.activeSince());
            im.put("note", i.note());
            instances.add(im);
        }
        m.put("instances", instances);
        return m;
    }

    /** The body of {@code PUT /rollouts/<unit>}. */
    public static Map<String, Object> toJson(org.fleetj.api.ApiRolloutRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("options", toJson(new ApiUnit(null, r.options(), null, null, null)).get("options"));
        if (r.maxUnavailable() != null) m.put("maxUnavailable", r.maxUnavailable());
        if (r.minHealthyMs() != null) m.put("minHealthyMs", r.minHealthyMs());
        if (r.activeDeadlineMs() != null) m.put("activeDeadlineMs", r.activeDeadlineMs());
        if (r.autoRevert() != null) m.put("autoRevert", r.autoRevert());
        return m;
    }

    private static long longNumber(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** The {@code error.message} of a fleet API error document, if the body is one. */
    public static String errorMessage(String body) {
        try {
            Object doc = Json.parse(body);
            if (doc instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?> e && e.get("message") instanceof String s) {
                return s;
            }
        } catch (JsonException e) {
            // not JSON: the caller reports the status line instead
        }
        return null;
    }

    private static void putIfPresent(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) m.put(key, value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object json, String what) {
        if (json instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new JsonException("expected a JSON object for " + what);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object json, String what) {
        if (json instanceof List<?> l) return (List<Object>) l;
        throw new JsonException("expected a JSON array for " + what);
    }

    private static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof String s) return s;
        throw new JsonException("expected a string for \"" + key + "\"");
    }
}
