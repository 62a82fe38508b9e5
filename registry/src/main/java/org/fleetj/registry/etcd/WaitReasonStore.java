package org.fleetj.registry.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Why units wait ({@code wait-reason/<unit>}, persistent, written by the engine). */
final class WaitReasonStore {
    /** etcd refuses transactions with more than 128 operations by default. */
    private static final int OPS_PER_TXN = 100;

    private final EtcdKv kv;
    private final EtcdKeys keys;

    WaitReasonStore(EtcdRuntime rt, EtcdKv kv) {
        this.kv = kv;
        this.keys = rt.keys();
    }

    void publish(Map<String, String> changes) {
        List<Op> ops = new ArrayList<>();
        for (Map.Entry<String, String> e : changes.entrySet()) {
            ops.add(e.getValue() == null ? EtcdKv.deleteOp(keys.waitReason(e.getKey()))
                    : EtcdKv.putOp(keys.waitReason(e.getKey()), EtcdKeys.bytes(e.getValue())));
            if (ops.size() == OPS_PER_TXN) {
                kv.txn(List.of(), ops, List.of());
                ops = new ArrayList<>();
            }
        }
        if (!ops.isEmpty()) {
            kv.txn(List.of(), ops, List.of());
        }
    }

    Map<String, String> read() {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue k : kv.range(keys.of(EtcdKeys.WAIT_REASON))) {
            out.put(keys.nameAfter(EtcdKeys.WAIT_REASON, k.getKey()), EtcdKeys.text(k.getValue()));
        }
        return out;
    }
}
