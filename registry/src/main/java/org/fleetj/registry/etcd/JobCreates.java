package org.fleetj.registry.etcd;

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
 * 32 at a time, each one etcd transaction of its own before. A batch is one transaction in which every create is a
 * nested transaction with its own condition (no job of that name yet), so a unit that exists fails only its own create
 * ({@link UnitExistsException}, as alone). The unit files go first, once per hash, each only if etcd does not have it
 * (unit files are stored by content and never removed, so one written for a create that found its unit existing is
 * the same record a later create or replace of that content writes).
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

    /** One transaction: the batch's unit files, then each create under its own condition; every create is answered. */
    List<Pending> commit(List<Pending> batch) {
        List<Op> ops = new ArrayList<>();
        Set<String> hashes = new HashSet<>();
        for (Pending p : batch) {
            if (hashes.add(p.file.hash().hex())) ops.add(JobStore.bodyOp(keys, p.file));
        }
        int first = ops.size();
        for (Pending p : batch) {
            boolean global = GlobalUnits.isGlobal(p.unit, p.file);
            ops.add(Op.txn(new Cmp[] {new Cmp(keys.job(p.unit), Cmp.Op.EQUAL, CmpTarget.version(0))},
                    JobStore.jobOps(keys, p.unit, p.file.hash().hex(), p.desired, global).toArray(Op[]::new), new Op[0]));
        }
        TxnResponse r = kv.txn(List.of(), ops, List.of());
        List<TxnResponse> each = r.getTxnResponses();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            boolean created = each.get(first + i).isSucceeded();
            if (created) bodies.remember(p.file);
            p.answer.complete(created);
        }
        return List.of();
    }
}
