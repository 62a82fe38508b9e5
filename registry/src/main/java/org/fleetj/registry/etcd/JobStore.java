package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.fleetj.registry.Job;
import org.fleetj.registry.NoSuchUnitException;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.UnreadableRecordException;
import org.fleetj.registry.etcd.EtcdCodec.JobValue;
import org.fleetj.registry.support.GlobalUnits;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs as users write them: {@code job/<name>} with the body stored once under {@code unit/<hash>} and, for
 * global units, the index entry {@code global/<name>} (holding the same value, so agents read every global job
 * in one request), each change in one transaction. Reading jobs with their placement takes one request (jobs
 * and schedule keys at one revision) plus the bodies not yet in memory.
 */
final class JobStore {
    private static final Logger log = LoggerFactory.getLogger(JobStore.class);

    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final UnitBodies bodies;
    private final UnreadableRecords unreadable;

    JobStore(EtcdKv kv, EtcdKeys keys, UnitBodies bodies, UnreadableRecords unreadable) {
        this.kv = kv;
        this.keys = keys;
        this.bodies = bodies;
        this.unreadable = unreadable;
    }

    void replace(String name, UnitFile unit, TargetState desired) {
        NameRules.unitName(name);
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(desired, "desired");
        ByteSequence jobKey = keys.job(name);
        boolean global = GlobalUnits.isGlobal(name, unit);
        List<Op> then = new ArrayList<>(writeOps(name, unit, desired, global));
        if (!global) {
            then.add(EtcdKv.deleteOp(keys.global(name))); // no event when it was not global before
        }
        var r = kv.txn(List.of(new Cmp(jobKey, Cmp.Op.GREATER, CmpTarget.version(0))), then, List.of());
        if (!r.isSucceeded()) {
            throw new NoSuchUnitException("unit " + name + " does not exist");
        }
        bodies.remember(unit);
    }

    /** The body (only if etcd does not have it yet: a nested transaction), the job, and the global index entry. */
    private List<Op> writeOps(String name, UnitFile unit, TargetState desired, boolean global) {
        List<Op> ops = new ArrayList<>();
        ops.add(bodyOp(keys, unit));
        ops.addAll(jobOps(keys, name, unit.hash().hex(), desired, global));
        return ops;
    }

    /** Stores the unit file under its hash unless etcd has it already (a nested transaction: it never fails the write). */
    static Op bodyOp(EtcdKeys keys, UnitFile unit) {
        ByteSequence unitKey = keys.unit(unit.hash().hex());
        return Op.txn(new Cmp[] {new Cmp(unitKey, Cmp.Op.EQUAL, CmpTarget.version(0))},
                new Op[] {EtcdKv.putOp(unitKey, ByteSequence.from(unit.serialize(), StandardCharsets.UTF_8))}, new Op[0]);
    }

    /** The job and, for a global unit, its index entry holding the same value. */
    static List<Op> jobOps(EtcdKeys keys, String name, String hash, TargetState desired, boolean global) {
        ByteSequence value = EtcdCodec.job(hash, desired, global);
        List<Op> ops = new ArrayList<>(2);
        ops.add(EtcdKv.putOp(keys.job(name), value));
        if (global) {
            ops.add(EtcdKv.putOp(keys.global(name), value));
        }
        return ops;
    }

    boolean destroy(String name) {
        NameRules.unitName(name);
        ByteSequence jobKey = keys.job(name);
        var r = kv.txn(List.of(new Cmp(jobKey, Cmp.Op.GREATER, CmpTarget.version(0))),
                List.of(EtcdKv.deleteOp(jobKey), EtcdKv.deleteOp(keys.global(name)), EtcdKv.deleteOp(keys.jobResult(name))), List.of());
        return r.isSucceeded();
    }

    Optional<Job> job(String name) {
        if (name == null || name.isEmpty() || name.indexOf('/') >= 0) {
            return Optional.empty();
        }
        List<List<KeyValue>> read = kv.read(EtcdKv.getOp(keys.job(name)), EtcdKv.prefixOp(keys.of(EtcdKeys.SCHEDULE), true));
        if (read.get(0).isEmpty()) {
            return Optional.empty();
        }
        KeyValue exact = read.get(0).get(0);
        JobValue v = EtcdCodec.job(exact.getValue(), EtcdKeys.text(exact.getKey()));
        String bodyKey = keys.prefix() + EtcdKeys.UNIT + v.hash();
        UnitFile unit = bodies.get(v.hash()).orElseThrow(() -> new UnreadableRecordException(bodyKey,
                "the unit file " + v.hash() + " of unit " + name + " is missing from etcd (key " + bodyKey + ")", null));
        Optional<String> target = v.global() ? Optional.empty() : Optional.ofNullable(placements(read.get(1)).get(name));
        return Optional.of(new Job(name, unit, v.desired(), target));
    }

    /** All jobs with their placement: jobs and schedule keys in one request, plus bodies not yet known. */
    List<Job> jobs(Consumer<UnreadableRecord> unreadableJobs) {
        List<List<KeyValue>> read = kv.read(EtcdKv.prefixOp(keys.of(EtcdKeys.JOB), false), EtcdKv.prefixOp(keys.of(EtcdKeys.SCHEDULE), true));
        Map<String, String> placements = placements(read.get(1));
        return toJobs(EtcdKeys.JOB, read.get(0), placements, unreadableJobs);
    }

    List<Job> globalJobs(Consumer<UnreadableRecord> unreadableJobs) {
        return toJobs(EtcdKeys.GLOBAL, kv.range(keys.of(EtcdKeys.GLOBAL)), Map.of(), unreadableJobs);
    }

    private List<Job> toJobs(String section, List<KeyValue> entries, Map<String, String> placements, Consumer<UnreadableRecord> sink) {
        Map<String, JobValue> values = new java.util.TreeMap<>();
        for (KeyValue e : entries) {
            String name = keys.nameAfter(section, e.getKey());
            unreadable.skipUnreadable(e, name, "", sink, () -> EtcdCodec.job(e.getValue(), EtcdKeys.text(e.getKey())))
                    .ifPresent(v -> values.put(name, v));
        }
        Map<String, UnitFile> units = bodies.getAll(values.values().stream().map(JobValue::hash).toList());
        List<Job> out = new ArrayList<>(values.size());
        values.forEach((name, v) -> {
            UnitFile unit = units.get(v.hash());
            if (unit == null) {
                String key = keys.prefix() + EtcdKeys.UNIT + v.hash();
                log.debug("unit {} refers to unit file {}, which is missing from etcd or cannot be read; leaving it out", name, v.hash());
                sink.accept(new UnreadableRecord(key, name, "", "unit " + name + " refers to its unit file at etcd key " + key
                        + ", which is missing or cannot be read"));
                return;
            }
            Optional<String> target = v.global() ? Optional.empty() : Optional.ofNullable(placements.get(name));
            out.add(new Job(name, unit, v.desired(), target));
        });
        return out;
    }

    /** Unit name → the machine whose schedule holds it, from {@code schedule/<machine>/<name>} keys. */
    private Map<String, String> placements(List<KeyValue> scheduleKeys) {
        Map<String, String> out = new HashMap<>();
        for (KeyValue k : scheduleKeys) {
            ScheduleStore.Entry e = ScheduleStore.parse(keys, k.getKey());
            if (e != null) {
                out.putIfAbsent(e.unit(), e.machineId());
            }
        }
        return out;
    }
}
