package org.fleetj.registry.etcd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachineState;
import java.util.Objects;
import java.util.function.Function;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.UnreadableRecordException;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;

/**
 * The JSON values stored in etcd, as bytes: the one copy of how each record is written and read, free of any etcd
 * client's types (the jetcd registry wraps them in {@link EtcdCodec}; fleetctl's light reader of etcd's JSON
 * gateway reads them through {@link EtcdListing}). Unknown fields are ignored so newer writers stay readable; a value
 * that is not JSON or lacks a required field throws {@link UnreadableRecordException} naming the key.
 */
final class EtcdValues {
    /** Data binding, for writing and for the records with lists; made on first use (see {@link FlatJson}). */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    /** {@code job/<name>}, {@code global/<name>} and {@code schedule/<machine>/<name>}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record JobValue(String hash, String desiredState, boolean global) {
        TargetState desired() {
            return TargetState.fromWire(desiredState);
        }
    }

    /** {@code machine/<id>}: the machine as announced, plus the hostname used for duplicate detection. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MachineValue(String id, String publicIp, Map<String, String> metadata, String version, String hostname,
                        Long cpuMillis, Long memoryBytes, String apiUrl) {
        MachineState state() {
            Resources capacity = new Resources(cpuMillis == null ? 0 : cpuMillis, memoryBytes == null ? 0 : memoryBytes);
            return new MachineState(id, publicIp, metadata, version, capacity.isNone() ? Resources.NONE : capacity,
                    MachineAvailability.SCHEDULABLE, apiUrl);
        }
    }

    /** {@code state/<name>/<machine>}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StateValue(String hash, String loadState, String activeState, String subState, String applied) {
    }

    /** {@code failures/<name>}: times as epoch milliseconds. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record FailuresValue(int failures, java.util.List<Long> restarts, long lastFailureAt, String lastFailureMachine,
                         String lastFailure, java.util.List<String> gaveUpOn) {
    }

    /** {@code rollout-spec/<unit>}: durations and times in milliseconds. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RolloutSpecValue(String id, String newHash, int maxUnavailable, long minHealthyMs, long activeDeadlineMs,
                            boolean autoRevert, String control, long createdAt) {
    }

    /** One instance inside {@code rollout-status/<unit>}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RolloutInstanceValue(String name, String machine, String oldHash, String step, long since, Long activeSince, String note) {
    }

    /** {@code rollout-status/<unit>}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RolloutStatusValue(String id, String phase, java.util.List<RolloutInstanceValue> instances, String message, long updatedAt) {
    }

    /** {@code job-result/<name>}: times as epoch milliseconds. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record JobResultValue(String hash, String machine, boolean succeeded, int exitStatus, String exitCode,
                          String systemdResult, long startedAt, long finishedAt) {
    }

    private EtcdValues() {
    }

    static byte[] rolloutSpec(org.fleetj.registry.RolloutSpec s) {
        return write(new RolloutSpecValue(s.id(), s.newHash(), s.maxUnavailable(), s.minHealthy().toMillis(), s.activeDeadline().toMillis(),
                s.autoRevert(), s.control().wireName(), s.createdAt().toEpochMilli()));
    }

    static org.fleetj.registry.RolloutSpec rolloutSpec(String unit, byte[] value, String key) {
        return read(value, RolloutSpecValue.class, key, v -> new org.fleetj.registry.RolloutSpec(unit, v.id(), v.newHash(), v.maxUnavailable(),
                java.time.Duration.ofMillis(v.minHealthyMs()), java.time.Duration.ofMillis(v.activeDeadlineMs()), v.autoRevert(),
                org.fleetj.registry.RolloutSpec.Control.fromWire(v.control()), java.time.Instant.ofEpochMilli(v.createdAt())));
    }

    static byte[] rolloutStatus(org.fleetj.registry.RolloutStatus s) {
        java.util.List<RolloutInstanceValue> instances = s.instances().stream().map(i -> new RolloutInstanceValue(i.name(), i.machine(),
                i.oldHash(), i.step().wireName(), i.since().toEpochMilli(), i.activeSince().map(java.time.Instant::toEpochMilli).orElse(null),
                i.note())).toList();
        return write(new RolloutStatusValue(s.id(), s.phase().wireName(), instances, s.message(), s.updatedAt().toEpochMilli()));
    }

    static org.fleetj.registry.RolloutStatus rolloutStatus(String unit, byte[] value, String key) {
        return read(value, RolloutStatusValue.class, key, v -> new org.fleetj.registry.RolloutStatus(unit, v.id(),
                org.fleetj.registry.RolloutStatus.Phase.fromWire(v.phase()),
                (v.instances() == null ? java.util.List.<RolloutInstanceValue>of() : v.instances()).stream()
                        .map(i -> new org.fleetj.registry.RolloutInstance(i.name(), i.machine(), i.oldHash(),
                                org.fleetj.registry.RolloutInstance.Step.fromWire(i.step()), java.time.Instant.ofEpochMilli(i.since()),
                                java.util.Optional.ofNullable(i.activeSince()).map(java.time.Instant::ofEpochMilli), i.note()))
                        .toList(),
                v.message(), java.time.Instant.ofEpochMilli(v.updatedAt())));
    }

    static byte[] job(String hash, TargetState desired, boolean global) {
        return write(new JobValue(hash, desired.wireName(), global));
    }

    static JobValue job(byte[] value, String key) {
        return read(value, JobValue.class, key, v -> {
            Objects.requireNonNull(v.hash(), "hash");
            v.desired();
            return v;
        });
    }

    static ScheduledUnit scheduled(String name, byte[] value, String key) {
        return read(value, JobValue.class, key, v -> new ScheduledUnit(name, v.hash(), v.desired()));
    }

    static byte[] machine(MachineState s, String hostname) {
        Resources c = s.capacity();
        return write(new MachineValue(s.id(), s.publicIp(), s.metadata(), s.version(), hostname,
                c.cpuMillis() == 0 ? null : c.cpuMillis(), c.memoryBytes() == 0 ? null : c.memoryBytes(),
                s.apiUrl().isEmpty() ? null : s.apiUrl()));
    }

    static MachineValue machine(byte[] value, String key) {
        return read(value, MachineValue.class, key, v -> {
            v.state();
            return v;
        });
    }

    static byte[] state(UnitState s) {
        return write(new StateValue(s.unitHash(), s.loadState(), s.activeState(), s.subState(), s.applied().wireName()));
    }

    static UnitState state(String name, String machineId, byte[] value, String key) {
        return read(value, StateValue.class, key, v -> new UnitState(name, machineId, v.hash(), v.loadState(), v.activeState(),
                v.subState(), TargetState.fromWire(v.applied())));
    }

    static byte[] failures(UnitFailures f) {
        return write(new FailuresValue(f.failures(), f.restarts().stream().map(java.time.Instant::toEpochMilli).toList(),
                f.lastFailureAt().toEpochMilli(), f.lastFailureMachine(), f.lastFailure(), f.gaveUpOn()));
    }

    static UnitFailures failures(String unit, byte[] value, String key) {
        return read(value, FailuresValue.class, key, v -> new UnitFailures(unit, v.failures(),
                v.restarts() == null ? java.util.List.of() : v.restarts().stream().map(java.time.Instant::ofEpochMilli).toList(),
                java.time.Instant.ofEpochMilli(v.lastFailureAt()), v.lastFailureMachine(), v.lastFailure(),
                v.gaveUpOn() == null ? java.util.List.of() : v.gaveUpOn()));
    }

    static byte[] jobResult(org.fleetj.registry.JobResult r) {
        return write(new JobResultValue(r.unitHash(), r.machineId(), r.succeeded(), r.exitStatus(), r.exitCode(),
                r.systemdResult(), r.startedAt().toEpochMilli(), r.finishedAt().toEpochMilli()));
    }

    static org.fleetj.registry.JobResult jobResult(String unit, byte[] value, String key) {
        return read(value, JobResultValue.class, key, v -> new org.fleetj.registry.JobResult(unit, v.hash(), v.machine(),
                v.succeeded(), v.exitStatus(), v.exitCode(), v.systemdResult(), java.time.Instant.ofEpochMilli(v.startedAt()),
                java.time.Instant.ofEpochMilli(v.finishedAt())));
    }

    private static byte[] write(Object value) {
        try {
            return Mapper.JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    /** Decodes and converts in one step, so a missing or invalid field is reported like bad JSON. */
    private static <T, R> R read(byte[] value, Class<T> type, String key, Function<T, R> convert) {
        try {
            T v = type.cast(decode(value, type));
            if (v == null) throw new IllegalArgumentException("null");
            return convert.apply(v);
        } catch (java.io.IOException | RuntimeException e) {
            String text = new String(value, StandardCharsets.UTF_8);
            if (text.length() > 200) text = text.substring(0, 200) + "...";
            throw new UnreadableRecordException(key, "etcd key " + key + " holds a value that is not a valid "
                    + type.getSimpleName() + " (" + reason(e) + "): " + text, e);
        }
    }

    /** The flat records the list commands read most go through {@link FlatJson}; the others through data binding. */
    private static Object decode(byte[] value, Class<?> type) throws java.io.IOException {
        if (type == JobValue.class || type == StateValue.class || type == MachineValue.class) {
            FlatJson f = FlatJson.parse(value);
            if (f == null) return null;
            if (type == JobValue.class) return new JobValue(f.string("hash"), f.string("desiredState"), f.bool("global"));
            if (type == StateValue.class) {
                return new StateValue(f.string("hash"), f.string("loadState"), f.string("activeState"), f.string("subState"),
                        f.string("applied"));
            }
            return new MachineValue(f.string("id"), f.string("publicIp"), f.strings("metadata"), f.string("version"),
                    f.string("hostname"), f.number("cpuMillis"), f.number("memoryBytes"), f.string("apiUrl"));
        }
        return Mapper.JSON.readValue(value, type);
    }

    private static String reason(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }
}
