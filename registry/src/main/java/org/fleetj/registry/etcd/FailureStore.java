package org.fleetj.registry.etcd;

import io.etcd.jetcd.KeyValue;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.UnitFailures;
import org.fleetj.registry.support.NameRules;

/** Failure records {@code failures/<unit>} (beyond fleet), written only by the engine, fenced like the schedule. */
final class FailureStore {
    private final EtcdKv kv;
    private final EtcdKeys keys;

    FailureStore(EtcdKv kv, EtcdKeys keys) {
        this.kv = kv;
        this.keys = keys;
    }

    Map<String, UnitFailures> all() {
        Map<String, UnitFailures> out = new TreeMap<>();
        for (KeyValue k : kv.range(keys.of(EtcdKeys.FAILURES))) {
            String unit = keys.nameAfter(EtcdKeys.FAILURES, k.getKey());
            out.put(unit, EtcdCodec.failures(unit, k.getValue(), EtcdKeys.text(k.getKey())));
        }
        return out;
    }

    void put(Leadership leadership, UnitFailures f) {
        Objects.requireNonNull(leadership, "leadership");
        NameRules.unitName(f.unit());
        EngineFence.write(kv, keys, leadership, List.of(EtcdKv.putOp(keys.failures(f.unit()), EtcdCodec.failures(f))),
                "failure record of " + f.unit());
    }

    void remove(Leadership leadership, String unit) {
        Objects.requireNonNull(leadership, "leadership");
        NameRules.unitName(unit);
        EngineFence.write(kv, keys, leadership, List.of(EtcdKv.deleteOp(keys.failures(unit))), "failure record of " + unit);
    }
}
