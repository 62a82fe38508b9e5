package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.etcd.EtcdValues.JobValue;
import org.fleetj.registry.etcd.EtcdValues.MachineValue;
import org.fleetj.unit.TargetState;

/** {@link EtcdValues} as jetcd's {@link ByteSequence}s: the registry's stores write and read through this. */
final class EtcdCodec {
    private EtcdCodec() {
    }

    static ByteSequence rolloutSpec(org.fleetj.registry.RolloutSpec s) {
        return ByteSequence.from(EtcdValues.rolloutSpec(s));
    }

    static org.fleetj.registry.RolloutSpec rolloutSpec(String unit, ByteSequence value, String key) {
        return EtcdValues.rolloutSpec(unit, value.getBytes(), key);
    }

    static ByteSequence rolloutStatus(org.fleetj.registry.RolloutStatus s) {
        return ByteSequence.from(EtcdValues.rolloutStatus(s));
    }

    static org.fleetj.registry.RolloutStatus rolloutStatus(String unit, ByteSequence value, String key) {
        return EtcdValues.rolloutStatus(unit, value.getBytes(), key);
    }

    static ByteSequence job(String hash, TargetState desired, boolean global) {
        return ByteSequence.from(EtcdValues.job(hash, desired, global));
    }

    static JobValue job(ByteSequence value, String key) {
        return EtcdValues.job(value.getBytes(), key);
    }

    static ScheduledUnit scheduled(String name, ByteSequence value, String key) {
        return EtcdValues.scheduled(name, value.getBytes(), key);
    }

    static ByteSequence machine(MachineState s, String hostname) {
        return ByteSequence.from(EtcdValues.machine(s, hostname));
    }

    static MachineValue machine(ByteSequence value, String key) {
        return EtcdValues.machine(value.getBytes(), key);
    }

    static ByteSequence state(UnitState s) {
        return ByteSequence.from(EtcdValues.state(s));
    }

    static UnitState state(String name, String machineId, ByteSequence value, String key) {
        return EtcdValues.state(name, machineId, value.getBytes(), key);
    }

    static ByteSequence failures(UnitFailures f) {
        return ByteSequence.from(EtcdValues.failures(f));
    }

    static UnitFailures failures(String unit, ByteSequence value, String key) {
        return EtcdValues.failures(unit, value.getBytes(), key);
    }

    static ByteSequence jobResult(org.fleetj.registry.JobResult r) {
        return ByteSequence.from(EtcdValues.jobResult(r));
    }

    static org.fleetj.registry.JobResult jobResult(String unit, ByteSequence value, String key) {
        return EtcdValues.jobResult(unit, value.getBytes(), key);
    }
}
