package org.fleetj.registry.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fleetj.registry.JobResult;
import org.fleetj.registry.support.NameRules;

/**
 * Results of one-shot jobs {@code job-result/<unit>} (beyond fleet): written by the agent the job ran on, without a
 * lease (a result outlives its machine), only while the job exists; {@link JobStore#destroy} removes them with it.
 */
final class JobResultStore {
    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final UnreadableRecords unreadable;

    JobResultStore(EtcdKv kv, EtcdKeys keys, UnreadableRecords unreadable) {
        this.kv = kv;
        this.keys = keys;
        this.unreadable = unreadable;
    }

    Map<String, JobResult> all() {
        Map<String, JobResult> out = new TreeMap<>();
        for (KeyValue k : kv.range(keys.of(EtcdKeys.JOB_RESULT))) {
            String unit = keys.nameAfter(EtcdKeys.JOB_RESULT, k.getKey());
            unreadable.skipUnreadable(k, () -> EtcdCodec.jobResult(unit, k.getValue(), EtcdKeys.text(k.getKey())))
                    .ifPresent(r -> out.put(unit, r));
        }
        return out;
    }

    Optional<JobResult> get(String unit) {
        if (unit == null || unit.isEmpty() || unit.indexOf('/') >= 0) return Optional.empty();
        return kv.get(keys.jobResult(unit)).map(k -> EtcdCodec.jobResult(unit, k.getValue(), EtcdKeys.text(k.getKey())));
    }

    /** One transaction: the result is written only if the job still exists (a destroyed job leaves nothing behind). */
    boolean put(JobResult r) {
        NameRules.unitName(r.unit());
        return kv.txn(List.of(new Cmp(keys.job(r.unit()), Cmp.Op.GREATER, CmpTarget.version(0))),
                List.of(EtcdKv.putOp(keys.jobResult(r.unit()), EtcdCodec.jobResult(r))), List.of()).isSucceeded();
    }
}
