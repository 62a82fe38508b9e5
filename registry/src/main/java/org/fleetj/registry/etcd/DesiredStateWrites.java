package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.etcd.EtcdValues.JobValue;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.TargetState;

/**
 * Desired-state writes, committed together ({@link GroupCommit}): {@code fleetctl start} of 1,000 units sends 1,000 of
 * them, 32 at a time, and each used to cost two etcd requests of its own (read the job, then write it if unchanged).
 * A batch reads all its jobs in one request and writes them in one transaction.
 *
 * <p>Each write keeps its own answer, as if it had been alone: inside the transaction every job is a nested
 * transaction with its own compare on the revision read, so a job changed concurrently fails only its own compare
 * (it is read again and tried again in the next batch, at most {@link #CAS_ATTEMPTS} times, as before), a missing
 * job answers false, an unreadable one its own error.
 */
final class DesiredStateWrites {
    static final int CAS_ATTEMPTS = 10;

    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final GroupCommit<Pending> group;

    /**
     * @param committer  runs the commits
     * @param batchLimit the most writes in one transaction
     */
    DesiredStateWrites(EtcdKv kv, EtcdKeys keys, Executor committer, int batchLimit) {
        this.kv = kv;
        this.keys = keys;
        this.group = new GroupCommit<>(committer, Math.min(batchLimit, EtcdKv.MAX_TXN_OPS), batch -> retry(write(read(batch))));
    }

    /** One write waiting for its answer. */
    static final class Pending extends GroupCommit.Write<Boolean> {
        final TargetState desired;
        int attempts;

        Pending(String name, TargetState desired) {
            super(name);
            this.desired = desired;
        }
    }

    /** What one batch read: each write with its job as etcd holds it now (null: no such job). */
    record Read(List<Pending> writes, List<KeyValue> jobs) {
    }

    /** Sets the job's desired state; false when there is no such job. Blocks until its batch is committed. */
    boolean set(String name, TargetState desired) {
        Objects.requireNonNull(desired, "desired");
        NameRules.unitName(name);
        return group.submit(new Pending(name, desired), Boolean.class);
    }

    /** How many writes wait for a batch. */
    int waiting() {
        return group.waiting();
    }

    /** Reads the jobs of a batch in one request, at one revision. */
    Read read(List<Pending> batch) {
        Op[] gets = batch.stream().map(p -> EtcdKv.getOp(keys.job(p.unit))).toArray(Op[]::new);
        List<List<KeyValue>> found = kv.read(gets);
        List<KeyValue> jobs = new ArrayList<>(batch.size());
        found.forEach(kvs -> jobs.add(kvs.isEmpty() ? null : kvs.get(0)));
        return new Read(batch, jobs);
    }

    /**
     * Writes what was read in one transaction, each job under its own compare; answers every write that is settled
     * (written, no such job, unreadable) and returns those whose job changed since it was read.
     */
    List<Pending> write(Read read) {
        List<Pending> writing = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < read.writes().size(); i++) {
            Pending p = read.writes().get(i);
            KeyValue current = read.jobs().get(i);
            if (current == null) {
                p.answer.complete(false);
                continue;
            }
            JobValue old;
            try {
                old = EtcdCodec.job(current.getValue(), EtcdKeys.text(current.getKey()));
            } catch (RuntimeException e) {
                p.answer.completeExceptionally(e); // this job's record is unreadable; the others are not
                continue;
            }
            ByteSequence value = EtcdCodec.job(old.hash(), p.desired, old.global());
            List<Op> then = new ArrayList<>(2);
            then.add(EtcdKv.putOp(current.getKey(), value));
            if (old.global()) then.add(EtcdKv.putOp(keys.global(p.unit), value));
            ops.add(Op.txn(new Cmp[] {new Cmp(current.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision()))},
                    then.toArray(Op[]::new), new Op[0]));
            writing.add(p);
        }
        if (writing.isEmpty()) return List.of();
        TxnResponse r = kv.txn(List.of(), ops, List.of());
        List<TxnResponse> each = r.getTxnResponses();
        List<Pending> changed = new ArrayList<>();
        for (int i = 0; i < writing.size(); i++) {
            if (each.get(i).isSucceeded()) writing.get(i).answer.complete(true);
            else changed.add(writing.get(i));
        }
        return changed;
    }

    /** Writes whose job changed between read and write go first in the next batch, read again; ten tries each, as before. */
    private static List<Pending> retry(List<Pending> changed) {
        List<Pending> again = new ArrayList<>();
        for (Pending p : changed) {
            if (++p.attempts >= CAS_ATTEMPTS) {
                p.answer.completeExceptionally(new RegistryException("unit " + p.unit
                        + " kept changing concurrently; its desired state was not set, try again"));
            } else {
                again.add(p);
            }
        }
        return again;
    }
}
