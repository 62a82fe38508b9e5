package org.fleetj.registry.etcd;

import io.etcd.jetcd.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.support.NameRules;

/**
 * {@code state/<unit>/<machine>}: what each agent reports of its units, under its machine's lease, so that the
 * states of a machine that dies go with it.
 */
final class UnitStateStore {
    /** etcd refuses a transaction of more than 128 operations (--max-txn-ops); fewer keep each commit small. */
    private static final int STATES_PER_TXN = 100;

    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final UnreadableRecords unreadable;

    UnitStateStore(EtcdKv kv, EtcdKeys keys, UnreadableRecords unreadable) {
        this.kv = kv;
        this.keys = keys;
        this.unreadable = unreadable;
    }

    void publish(EtcdPresence p, UnitState state) {
        requirePublishable(p, state);
        long lease = p.leaseFor("unit state of " + state.name());
        try {
            kv.put(keys.state(state.name(), state.machineId()), EtcdCodec.state(state), lease);
        } catch (EtcdGateway.LeaseNotFoundException e) {
            p.leaseSuspect();
            throw e;
        }
    }

    void publishAll(EtcdPresence p, List<UnitState> states) {
        states.forEach(s -> requirePublishable(p, s));
        for (int from = 0; from < states.size(); from += STATES_PER_TXN) {
            List<UnitState> chunk = states.subList(from, Math.min(states.size(), from + STATES_PER_TXN));
            long lease = p.leaseFor("unit states of " + chunk.size() + " units");
            List<io.etcd.jetcd.op.Op> puts = new ArrayList<>(chunk.size());
            for (UnitState state : chunk) {
                puts.add(EtcdKv.putOp(keys.state(state.name(), state.machineId()), EtcdCodec.state(state), lease));
            }
            try {
                kv.txn(List.of(), puts, List.of());
            } catch (EtcdGateway.LeaseNotFoundException e) {
                p.leaseSuspect();
                throw e;
            }
        }
    }

    void remove(EtcdPresence p, String unitName) {
        NameRules.unitName(unitName);
        kv.delete(keys.state(unitName, p.machineId()));
    }

    List<UnitState> all(Consumer<UnreadableRecord> unreadableStates) {
        List<UnitState> out = new ArrayList<>();
        for (KeyValue k : kv.range(keys.of(EtcdKeys.STATE))) {
            String rest = keys.nameAfter(EtcdKeys.STATE, k.getKey());
            int slash = rest.lastIndexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                continue;
            }
            String unit = rest.substring(0, slash);
            String machine = rest.substring(slash + 1);
            unreadable.skipUnreadable(k, unit, machine, unreadableStates,
                    () -> EtcdCodec.state(unit, machine, k.getValue(), EtcdKeys.text(k.getKey()))).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(UnitState::name).thenComparing(UnitState::machineId));
        return out;
    }

    /** An agent publishes only its own machine's states, under valid names. */
    private static void requirePublishable(EtcdPresence p, UnitState state) {
        Objects.requireNonNull(state, "state");
        NameRules.unitName(state.name());
        if (!state.machineId().equals(p.machineId())) {
            throw new IllegalArgumentException("unit state of " + state.name() + " names machine " + state.machineId()
                    + " but is published by the presence of " + p.machineId());
        }
    }
}
