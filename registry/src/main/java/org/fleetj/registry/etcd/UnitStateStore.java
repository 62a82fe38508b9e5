package org.fleetj.registry.etcd;

import java.util.ArrayList;
import java.util.Collection;
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
    private final EtcdListing listing;

    UnitStateStore(EtcdKv kv, EtcdKeys keys, UnreadableRecords unreadable) {
        this.kv = kv;
        this.keys = keys;
        this.listing = unreadable.listing(keys);
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
        return listing.unitStates(EtcdKv.entries(kv.range(keys.of(EtcdKeys.STATE))), unreadableStates);
    }

    /** The states of the named units: a prefix read ({@code state/<unit>/}) per unit, as many in one request as etcd takes. */
    List<UnitState> of(Collection<String> units) {
        List<String> wanted = units.stream().filter(n -> !n.isEmpty() && n.indexOf('/') < 0).distinct().toList();
        List<EtcdListing.Entry> entries = new ArrayList<>();
        for (int from = 0; from < wanted.size(); from += EtcdKv.MAX_TXN_OPS) {
            List<String> chunk = wanted.subList(from, Math.min(wanted.size(), from + EtcdKv.MAX_TXN_OPS));
            io.etcd.jetcd.op.Op[] reads = chunk.stream().map(n -> EtcdKv.prefixOp(keys.of(EtcdKeys.STATE + n + "/"), false))
                    .toArray(io.etcd.jetcd.op.Op[]::new);
            kv.read(reads).forEach(kvs -> entries.addAll(EtcdKv.entries(kvs)));
        }
        return listing.unitStates(entries, r -> { });
    }

    /** The unit and machine of each state key, from the keys alone. */
    java.util.SortedMap<String, List<String>> machinesByUnit() {
        java.util.SortedMap<String, List<String>> out = new java.util.TreeMap<>();
        for (io.etcd.jetcd.KeyValue k : kv.keys(keys.of(EtcdKeys.STATE))) {
            EtcdKeyLayout.Pair p = keys.layout().state(EtcdKeys.text(k.getKey()));
            if (p != null) out.computeIfAbsent(p.first(), u -> new ArrayList<>()).add(p.second());
        }
        out.values().forEach(java.util.Collections::sort);
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
