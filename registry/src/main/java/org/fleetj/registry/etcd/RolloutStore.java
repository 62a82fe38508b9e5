package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.Rollout;
import org.fleetj.registry.RolloutInProgressException;
import org.fleetj.registry.RolloutSpec;
import org.fleetj.registry.RolloutStatus;
import org.fleetj.registry.support.NameRules;
import org.fleetj.unit.UnitFile;

/**
 * Rollouts (beyond fleet): the user's {@code rollout-spec/<unit>} and the engine's fenced {@code rollout-status/<unit>}.
 * Two keys so that a user pausing and the engine recording progress never overwrite each other.
 */
final class RolloutStore {
    private static final int CAS_ATTEMPTS = 5;

    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final UnitBodies bodies;

    RolloutStore(EtcdKv kv, EtcdKeys keys, UnitBodies bodies) {
        this.kv = kv;
        this.keys = keys;
        this.bodies = bodies;
    }

    Map<String, Rollout> all() {
        List<List<KeyValue>> both = kv.read(EtcdKv.prefixOp(keys.of(EtcdKeys.ROLLOUT_SPEC), false),
                EtcdKv.prefixOp(keys.of(EtcdKeys.ROLLOUT_STATUS), false));
        Map<String, RolloutStatus> statuses = new HashMap<>();
        for (KeyValue k : both.get(1)) {
            String unit = keys.nameAfter(EtcdKeys.ROLLOUT_STATUS, k.getKey());
            statuses.put(unit, EtcdCodec.rolloutStatus(unit, k.getValue(), EtcdKeys.text(k.getKey())));
        }
        Map<String, Rollout> out = new TreeMap<>();
        for (KeyValue k : both.get(0)) {
            String unit = keys.nameAfter(EtcdKeys.ROLLOUT_SPEC, k.getKey());
            out.put(unit, new Rollout(EtcdCodec.rolloutSpec(unit, k.getValue(), EtcdKeys.text(k.getKey())), Optional.ofNullable(statuses.get(unit))));
        }
        return out;
    }

    /** Stores the body and the spec, and drops the status of the unit's finished earlier rollout, in one transaction. */
    void start(RolloutSpec spec, UnitFile unit) {
        NameRules.unitName(spec.unit());
        Objects.requireNonNull(unit, "unit");
        ByteSequence specKey = keys.rolloutSpec(spec.unit());
        ByteSequence statusKey = keys.rolloutStatus(spec.unit());
        List<List<KeyValue>> now = kv.read(EtcdKv.getOp(specKey), EtcdKv.getOp(statusKey));
        Optional<KeyValue> oldSpec = now.get(0).stream().findFirst();
        Optional<KeyValue> oldStatus = now.get(1).stream().findFirst();
        if (oldSpec.isPresent()) {
            Rollout before = new Rollout(EtcdCodec.rolloutSpec(spec.unit(), oldSpec.get().getValue(), EtcdKeys.text(specKey)),
                    oldStatus.map(s -> EtcdCodec.rolloutStatus(spec.unit(), s.getValue(), EtcdKeys.text(statusKey))));
            if (!before.isFinished()) {
                throw new RolloutInProgressException("a rollout of " + spec.unit() + " is in progress (" + before.status()
                        .map(s -> s.phase().wireName()).orElse("not begun yet") + "); abort it first");
            }
        }
        ByteSequence unitKey = keys.unit(spec.newHash());
        List<Cmp> unchanged = List.of(
                new Cmp(specKey, Cmp.Op.EQUAL, CmpTarget.modRevision(oldSpec.map(KeyValue::getModRevision).orElse(0L))),
                new Cmp(statusKey, Cmp.Op.EQUAL, CmpTarget.modRevision(oldStatus.map(KeyValue::getModRevision).orElse(0L))));
        List<Op> then = List.of(
                Op.txn(new Cmp[] {new Cmp(unitKey, Cmp.Op.EQUAL, CmpTarget.version(0))},
                        new Op[] {EtcdKv.putOp(unitKey, ByteSequence.from(unit.serialize(), StandardCharsets.UTF_8))}, new Op[0]),
                EtcdKv.deleteOp(statusKey),
                EtcdKv.putOp(specKey, EtcdCodec.rolloutSpec(spec)));
        if (!kv.txn(unchanged, then, List.of()).isSucceeded()) {
            throw new RolloutInProgressException("the rollout of " + spec.unit() + " changed meanwhile; look at it and try again");
        }
        bodies.remember(unit);
    }

    boolean setControl(String unit, RolloutSpec.Control control) {
        Objects.requireNonNull(control, "control");
        NameRules.unitName(unit);
        ByteSequence specKey = keys.rolloutSpec(unit);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<KeyValue> current = kv.get(specKey);
            if (current.isEmpty()) return false;
            RolloutSpec spec = EtcdCodec.rolloutSpec(unit, current.get().getValue(), EtcdKeys.text(specKey));
            var r = kv.txn(List.of(new Cmp(specKey, Cmp.Op.EQUAL, CmpTarget.modRevision(current.get().getModRevision()))),
                    List.of(EtcdKv.putOp(specKey, EtcdCodec.rolloutSpec(spec.withControl(control)))), List.of());
            if (r.isSucceeded()) return true;
        }
        throw new RegistryException("the rollout of " + unit + " kept changing concurrently; try again");
    }

    void putStatus(Leadership leadership, RolloutStatus status) {
        Objects.requireNonNull(leadership, "leadership");
        NameRules.unitName(status.unit());
        EngineFence.write(kv, keys, leadership, List.of(EtcdKv.putOp(keys.rolloutStatus(status.unit()), EtcdCodec.rolloutStatus(status))),
                "rollout status of " + status.unit());
    }
}
