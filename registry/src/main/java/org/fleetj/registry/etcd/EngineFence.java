package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import java.util.List;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.LeadershipLostException;

/**
 * The one rule for engine writes: a transaction guarded by
 * {@code If(createRevision(engine/leader) == token && value(engine/leader) == machineId)}, so a deposed engine
 * changes nothing.
 */
final class EngineFence {
    private EngineFence() {
    }

    /**
     * Runs {@code ops} if {@code leadership} still holds.
     *
     * @param what what is written, for the error message ("schedule", "failure record of a.service")
     * @throws LeadershipLostException naming the current leader when the fence fails
     */
    static void write(EtcdKv kv, EtcdKeys keys, Leadership leadership, List<Op> ops, String what) {
        ByteSequence leaderKey = keys.leader();
        List<Cmp> fence = List.of(
                new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.createRevision(leadership.token())),
                new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.value(EtcdKeys.bytes(leadership.machineId()))));
        TxnResponse r = kv.txn(fence, ops, List.of(EtcdKv.getOp(leaderKey)));
        if (!r.isSucceeded()) {
            List<KeyValue> now = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
            String leader = now.isEmpty() ? "none" : EtcdKeys.text(now.get(0).getValue()) + " (token " + now.get(0).getCreateRevision() + ")";
            throw new LeadershipLostException("engine leadership of " + leadership.machineId() + " (token " + leadership.token()
                    + ") is lost; " + what + " not written (leader now: " + leader + ")");
        }
    }
}
