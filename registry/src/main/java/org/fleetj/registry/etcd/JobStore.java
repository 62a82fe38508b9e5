package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.fleetj.registry.Job;
import org.fleetj.registry.NoSuchUnitException;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.support.GlobalUnits;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * Jobs as users write them: {@code job/<name>} with the body stored once under {@code unit/<hash>} and, for
 * global units, the index entry {@code global/<name>} (holding the same value, so agents read every global job
 * in one request), each change in one transaction. Reading jobs with their placement takes one request (jobs
 * and schedule keys at one revision) plus the bodies not yet in memory.
 */
final class JobStore {
    /** Jobs read per request by {@link #jobs(Collection, Consumer)}: one read more (the schedule) stays under etcd's 128. */
    private static final int JOBS_PER_READ = EtcdKv.MAX_TXN_OPS - 1;

    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final UnitBodies bodies;
    private final EtcdListing listing;

    JobStore(EtcdKv kv, EtcdKeys keys, UnitBodies bodies, UnreadableRecords unreadable) {
        this.kv = kv;
        this.keys = keys;
        this.bodies = bodies;
        this.listing = unreadable.listing(keys);
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
        return Optional.of(listing.job(name, EtcdKv.entries(read.get(0)).get(0), EtcdKv.entries(read.get(1)), bodies::get));
    }

    /** All jobs with their placement: jobs and schedule keys in one request, plus bodies not yet known. */
    List<Job> jobs(Consumer<UnreadableRecord> unreadableJobs) {
        List<List<KeyValue>> read = kv.read(EtcdKv.prefixOp(keys.of(EtcdKeys.JOB), false), EtcdKv.prefixOp(keys.of(EtcdKeys.SCHEDULE), true));
        return listing.jobs(EtcdKeys.JOB, EtcdKv.entries(read.get(0)), EtcdKv.entries(read.get(1)), bodies::getAll, unreadableJobs);
    }

    List<String> names() {
        List<KeyValue> kvs = kv.keys(keys.of(EtcdKeys.JOB));
        List<String> names = new ArrayList<>(kvs.size());
        for (KeyValue k : kvs) {
            names.add(keys.nameAfter(EtcdKeys.JOB, k.getKey())); // etcd answers in key order: the names' order
        }
        return names;
    }

    /** The named jobs with their placement: each chunk of names read with the schedule keys in one request. */
    List<Job> jobs(Collection<String> names, Consumer<UnreadableRecord> unreadableJobs) {
        List<String> wanted = names.stream().filter(n -> !n.isEmpty() && n.indexOf('/') < 0).distinct().toList();
        List<Job> out = new ArrayList<>(wanted.size());
        for (int from = 0; from < wanted.size(); from += JOBS_PER_READ) {
            List<String> chunk = wanted.subList(from, Math.min(wanted.size(), from + JOBS_PER_READ));
            Op[] reads = new Op[chunk.size() + 1];
            reads[0] = EtcdKv.prefixOp(keys.of(EtcdKeys.SCHEDULE), true);
            for (int i = 0; i < chunk.size(); i++) {
                reads[i + 1] = EtcdKv.getOp(keys.job(chunk.get(i)));
            }
            List<List<KeyValue>> read = kv.read(reads);
            List<KeyValue> found = new ArrayList<>(chunk.size());
            read.subList(1, read.size()).forEach(found::addAll);
            out.addAll(listing.jobs(EtcdKeys.JOB, EtcdKv.entries(found), EtcdKv.entries(read.get(0)), bodies::getAll, unreadableJobs));
        }
        out.sort(Comparator.comparing(Job::name));
        return out;
    }

    List<Job> globalJobs(Consumer<UnreadableRecord> unreadableJobs) {
        return listing.jobs(EtcdKeys.GLOBAL, EtcdKv.entries(kv.range(keys.of(EtcdKeys.GLOBAL))), List.of(), bodies::getAll, unreadableJobs);
    }
}
