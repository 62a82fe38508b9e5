package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
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
 * <p>Each write keeps its own answer, as if it had been alone. The transaction compares every job's revision with the
 * one read and, when any differs, reads the batch's jobs again instead of writing: a job changed concurrently fails
 * only its own attempt (it is read again and tried again, at most {@link #CAS_ATTEMPTS} times, as before); the others
 * go first into the next batch without spending an attempt. A missing job answers false, an unreadable one its own
 * error.
 *
 * <p>Why not one nested transaction per job (each with its own compare, all in one request): etcd 3.4 checks a
 * role's key permissions on a transaction's own operations but not inside nested transactions, so a user limited to
 * fleet's prefix could write anywhere through them ({@code EtcdSecurityIT}). Every job write here is a top-level
 * operation of the transaction, which etcd checks.
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
        this.group = new GroupCommit<>(committer, Math.min(batchLimit, EtcdKv.MAX_TXN_OPS), batch -> write(read(batch)).tryAgain());
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

    /**
     * What a batch's transaction left unanswered: writes whose job changed since it was read, and writes that were not
     * made because another job of the batch changed.
     */
    record Written(List<Pending> changed, List<Pending> notWritten) {
        boolean settled() {
            return changed.isEmpty() && notWritten.isEmpty();
        }

        /** What goes first into the next batch: the changed ones while they have attempts left, then the others. */
        List<Pending> tryAgain() {
            List<Pending> again = retry(changed);
            again.addAll(notWritten);
            return again;
        }
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
     * Writes what was read in one transaction, if every job is still at the revision read; answers every write that is
     * settled (written, no such job, unreadable). When a job changed, nothing is written: the transaction reads the
     * jobs instead, which tells the changed ones from the others.
     */
    Written write(Read read) {
        List<Pending> writing = new ArrayList<>();
        List<KeyValue> was = new ArrayList<>();
        List<Cmp> unchanged = new ArrayList<>();
        List<Op> puts = new ArrayList<>();
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
            unchanged.add(new Cmp(current.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision())));
            puts.add(EtcdKv.putOp(current.getKey(), value));
            if (old.global()) puts.add(EtcdKv.putOp(keys.global(p.unit), value));
            writing.add(p);
            was.add(current);
        }
        if (writing.isEmpty()) return new Written(List.of(), List.of());
        List<Op> readAgain = was.stream().map(kv -> EtcdKv.getOp(kv.getKey())).toList();
        TxnResponse r = kv.txn(unchanged, puts, readAgain);
        if (r.isSucceeded()) {
            writing.forEach(p -> p.answer.complete(true));
            return new Written(List.of(), List.of());
        }
        List<Pending> changed = new ArrayList<>();
        List<Pending> notWritten = new ArrayList<>();
        List<GetResponse> now = r.getGetResponses();
        for (int i = 0; i < writing.size(); i++) {
            List<KeyValue> kvs = now.get(i).getKvs();
            boolean same = !kvs.isEmpty() && kvs.get(0).getModRevision() == was.get(i).getModRevision();
            (same ? notWritten : changed).add(writing.get(i));
        }
        return new Written(changed, notWritten);
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
