package org.fleetj.registry.etcd;

import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import org.fleetj.registry.UnitExistsException;
import org.fleetj.registry.support.GlobalUnits;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * Job creates, committed together ({@link GroupCommit}): {@code fleetctl start} of 1,000 new units sends 1,000 creates,
 * 32 at a time, each one etcd transaction of its own before. A batch is one transaction under one condition per
 * create (no job of that name yet); when a unit of the batch exists, the transaction reads the batch's jobs instead of
 * writing, the creates of units that exist are refused ({@link UnitExistsException}, as alone) and the others go
 * first into the next batch. The unit files go first, once per hash, each only if etcd does not have it (unit files
 * are stored by content and never removed, so a file written twice is the same record).
 *
 * <p>The jobs are not written by one nested transaction each (which would answer each create in one request) because
 * etcd 3.4 checks a role's key permissions on a transaction's own operations but not inside nested ones: a user
 * limited to fleet's prefix could then create jobs anywhere ({@code EtcdSecurityIT}).
 */
final class JobCreates {
    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final UnitBodies bodies;
    private final GroupCommit<Pending> group;

    /** One create waiting for its answer: true when created, false when the unit exists. */
    static final class Pending extends GroupCommit.Write<Boolean> {
        final UnitFile file;
        final TargetState desired;

        Pending(String name, UnitFile file, TargetState desired) {
            super(name);
            this.file = file;
            this.desired = desired;
        }
    }

    /**
     * @param committer  runs the commits
     * @param batchLimit the most creates in one transaction (half of etcd's operations per transaction at most: each
     *                   create may bring its own unit file)
     */
    JobCreates(EtcdKv kv, EtcdKeys keys, UnitBodies bodies, Executor committer, int batchLimit) {
        this.kv = kv;
        this.keys = keys;
        this.bodies = bodies;
        this.group = new GroupCommit<>(committer, Math.min(batchLimit, EtcdKv.MAX_TXN_OPS / 2), this::commit);
    }

    /** Creates the job; {@link UnitExistsException} when a unit of that name exists. Blocks until its batch is committed. */
    void create(String name, UnitFile unit, TargetState desired) {
        NameRules.unitName(name);
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(desired, "desired");
        if (!group.submit(new Pending(name, unit, desired), Boolean.class)) {
            throw new UnitExistsException("unit " + name + " already exists");
        }
    }

    /** How many creates wait for a batch. */
    int waiting() {
        return group.waiting();
    }

    /**
     * One transaction: the batch's unit files and jobs if no unit of the batch exists. Otherwise the creates of units
     * that exist are answered (refused) and the others are returned, to go first into the next batch; every failed
     * transaction refuses at least one create, so a batch is settled in as many transactions as it has units that
     * exist, plus one.
     */
    List<Pending> commit(List<Pending> batch) {
        List<Cmp> absent = new ArrayList<>();
        List<Op> writes = new ArrayList<>();
        List<Op> readJobs = new ArrayList<>();
        Set<String> hashes = new HashSet<>();
        for (Pending p : batch) {
            if (hashes.add(p.file.hash().hex())) writes.add(JobStore.bodyOp(keys, p.file));
        }
        for (Pending p : batch) {
            boolean global = GlobalUnits.isGlobal(p.unit, p.file);
            absent.add(new Cmp(keys.job(p.unit), Cmp.Op.EQUAL, CmpTarget.version(0)));
            writes.addAll(JobStore.jobOps(keys, p.unit, p.file.hash().hex(), p.desired, global));
            readJobs.add(EtcdKv.getOp(keys.job(p.unit)));
        }
        TxnResponse r = kv.txn(absent, writes, readJobs);
        if (r.isSucceeded()) {
            for (Pending p : batch) {
                bodies.remember(p.file);
                p.answer.complete(true);
            }
            return List.of();
        }
        List<Pending> again = new ArrayList<>();
        List<GetResponse> jobs = r.getGetResponses();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (jobs.get(i).getKvs().isEmpty()) again.add(p);
            else p.answer.complete(false);
        }
        return again;
    }
}
