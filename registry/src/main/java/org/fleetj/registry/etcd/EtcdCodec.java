package org.fleetj.registry.etcd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;

/** The JSON values stored in etcd. Unknown fields are ignored so newer writers stay readable. */
final class EtcdCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code job/<name>}, {@code global/<name>} and {@code schedule/<machine>/<name>}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record JobValue(String hash, String desiredState, boolean global) {
        TargetState desired() {
            return TargetState.fromWire(desiredState);
        }
    }

    /** {@code machine/<id>}: the machine as announced, plus the hostname used for duplicate detection. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MachineValue(String id, String publicIp, Map<String, String> metadata, String version, String hostname) {
        MachineState state() {
            return new MachineState(id, publicIp, metadata, version);
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

    private EtcdCodec() {
    }

    static ByteSequence job(String hash, TargetState desired, boolean global) {
        return write(new JobValue(hash, desired.wireName(), global));
    }

    static JobValue job(ByteSequence value, String key) {
        return read(value, JobValue.class, key);
    }

    static ScheduledUnit scheduled(String name, ByteSequence value, String key) {
        JobValue v = job(value, key);
        return new ScheduledUnit(name, v.hash(), v.desired());
    }

    static ByteSequence machine(MachineState s, String hostname) {
        return write(new MachineValue(s.id(), s.publicIp(), s.metadata(), s.version(), hostname));
    }

    static MachineValue machine(ByteSequence value, String key) {
        return read(value, MachineValue.class, key);
    }

    static ByteSequence state(UnitState s) {
        return write(new StateValue(s.unitHash(), s.loadState(), s.activeState(), s.subState(), s.applied().wireName()));
    }

    static UnitState state(String name, String machineId, ByteSequence value, String key) {
        StateValue v = read(value, StateValue.class, key);
        return new UnitState(name, machineId, v.hash(), v.loadState(), v.activeState(), v.subState(), TargetState.fromWire(v.applied()));
    }

    static ByteSequence failures(UnitFailures f) {
        return write(new FailuresValue(f.failures(), f.restarts().stream().map(java.time.Instant::toEpochMilli).toList(),
                f.lastFailureAt().toEpochMilli(), f.lastFailureMachine(), f.lastFailure(), f.gaveUpOn()));
    }

    static UnitFailures failures(String unit, ByteSequence value, String key) {
        FailuresValue v = read(value, FailuresValue.class, key);
        return new UnitFailures(unit, v.failures(),
                v.restarts() == null ? java.util.List.of() : v.restarts().stream().map(java.time.Instant::ofEpochMilli).toList(),
                java.time.Instant.ofEpochMilli(v.lastFailureAt()), v.lastFailureMachine(), v.lastFailure(),
                v.gaveUpOn() == null ? java.util.List.of() : v.gaveUpOn());
    }

    private static ByteSequence write(Object value) {
        try {
            return ByteSequence.from(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    private static <T> T read(ByteSequence value, Class<T> type, String key) {
        try {
            return JSON.readValue(value.getBytes(), type);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new RegistryException("etcd key " + key + " holds a value that is not a valid " + type.getSimpleName() + ": "
                    + value.toString(StandardCharsets.UTF_8), e);
        }
    }
}
