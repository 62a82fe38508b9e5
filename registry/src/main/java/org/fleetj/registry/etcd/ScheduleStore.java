package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.support.NameRules;

/**
 * The per-machine schedule {@code schedule/<machine>/<unit>}, written only by the engine. Every write is a
 * transaction fenced by the writer's leadership: {@code If(createRevision(engine/leader) == token &&
 * value(engine/leader) == machineId)}. Large change sets go out in several transactions of at most
 * {@link EtcdKv#MAX_TXN_OPS} operations, each fenced on its own; a unit's consecutive changes (a move:
 * unassign here, assign there) always travel in the same transaction.
 */
final class ScheduleStore {
    /** A schedule key read back: which unit on which machine. */
    record Entry(String machineId, String unit) {
    }

    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final int maxOpsPerTxn;
    private final UnreadableRecords unreadable;

    ScheduleStore(EtcdKv kv, EtcdKeys keys, int maxOpsPerTxn, UnreadableRecords unreadable) {
        this.unreadable = unreadable;
        this.kv = kv;
        this.keys = keys;
        this.maxOpsPerTxn = maxOpsPerTxn;
    }

    /** {@code schedule/<machine>/<unit>} → entry; null for a key of another shape. */
    static Entry parse(EtcdKeys keys, ByteSequence key) {
        EtcdKeyLayout.Pair p = keys.layout().schedule(EtcdKeys.text(key));
        return p == null ? null : new Entry(p.first(), p.second());
    }

    void apply(Leadership leadership, List<ScheduleChange> changes) {
        Objects.requireNonNull(leadership, "leadership");
        for (ScheduleChange c : changes) {
            NameRules.unitName(c.unit());
            NameRules.machineId(c.machineId());
        }
        for (List<ScheduleChange> batch : batches(changes)) {
            applyFenced(leadership, batch);
        }
    }

    /**
     * Splits the changes into transactions of at most {@code maxOpsPerTxn} keys, never separating a unit's
     * consecutive changes; within one transaction only the last change of a key counts (etcd refuses a key
     * written twice in one transaction).
     */
    List<List<ScheduleChange>> batches(List<ScheduleChange> changes) {
        List<List<ScheduleChange>> groups = new ArrayList<>();
        for (ScheduleChange c : changes) {
            List<ScheduleChange> last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && last.get(0).unit().equals(c.unit())) {
                last.add(c);
            } else {
                List<ScheduleChange> g = new ArrayList<>();
                g.add(c);
                groups.add(g);
            }
        }
        List<List<ScheduleChange>> batches = new ArrayList<>();
        LinkedHashMap<String, ScheduleChange> current = new LinkedHashMap<>();
        for (List<ScheduleChange> g : groups) {
            LinkedHashMap<String, ScheduleChange> group = new LinkedHashMap<>();
            for (ScheduleChange c : g) {
                String key = c.machineId() + "/" + c.unit();
                group.remove(key);
                group.put(key, c);
            }
            if (!current.isEmpty() && current.size() + group.size() > maxOpsPerTxn) {
                batches.add(List.copyOf(current.values()));
                current = new LinkedHashMap<>();
            }
            for (Map.Entry<String, ScheduleChange> e : group.entrySet()) {
                if (current.size() >= maxOpsPerTxn) {
                    // one unit changing on more machines than a transaction holds: it cannot stay in one
                    batches.add(List.copyOf(current.values()));
                    current = new LinkedHashMap<>();
                }
                current.remove(e.getKey());
                current.put(e.getKey(), e.getValue());
            }
        }
        if (!current.isEmpty()) {
            batches.add(List.copyOf(current.values()));
        }
        return batches;
    }

    private void applyFenced(Leadership leadership, List<ScheduleChange> batch) {
        List<Op> ops = new ArrayList<>(batch.size());
        for (ScheduleChange c : batch) {
            ByteSequence key = keys.schedule(c.machineId(), c.unit());
            ops.add(c.kind() == ScheduleChange.Kind.ASSIGN
                    ? EtcdKv.putOp(key, EtcdCodec.job(c.unitHash(), c.desiredState(), false))
                    : EtcdKv.deleteOp(key));
        }
        EngineFence.write(kv, keys, leadership, ops, "schedule");
    }

    List<ScheduledUnit> scheduleOf(String machineId, Consumer<UnreadableRecord> sink) {
        NameRules.machineId(machineId);
        List<ScheduledUnit> out = new ArrayList<>();
        for (KeyValue k : kv.range(keys.scheduleOf(machineId))) {
            Entry e = parse(keys, k.getKey());
            if (e != null && e.machineId().equals(machineId)) {
                unreadable.skipUnreadable(k, e.unit(), machineId, sink, () -> EtcdCodec.scheduled(e.unit(), k.getValue(), EtcdKeys.text(k.getKey())))
                        .ifPresent(out::add);
            }
        }
        out.sort(java.util.Comparator.comparing(ScheduledUnit::name));
        return out;
    }

    Map<String, List<ScheduledUnit>> schedule(Consumer<UnreadableRecord> sink) {
        Map<String, List<ScheduledUnit>> out = new TreeMap<>();
        for (KeyValue k : kv.range(keys.of(EtcdKeys.SCHEDULE))) {
            Entry e = parse(keys, k.getKey());
            if (e != null) {
                unreadable.skipUnreadable(k, e.unit(), e.machineId(), sink, () -> EtcdCodec.scheduled(e.unit(), k.getValue(), EtcdKeys.text(k.getKey())))
                        .ifPresent(s -> out.computeIfAbsent(e.machineId(), m -> new ArrayList<>()).add(s));
            }
        }
        out.values().forEach(l -> l.sort(java.util.Comparator.comparing(ScheduledUnit::name)));
        Map<String, List<ScheduledUnit>> frozen = new LinkedHashMap<>();
        out.forEach((m, l) -> frozen.put(m, List.copyOf(l)));
        return frozen;
    }
}
