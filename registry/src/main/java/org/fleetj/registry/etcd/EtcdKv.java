package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Key-value requests through the gateway, named as they are counted: {@code get} (one key), {@code range}
 * (a prefix, or several prefixes read in one request at one revision), {@code txn}, {@code put}, {@code delete}.
 */
final class EtcdKv {
    /** etcd's default {@code --max-txn-ops}: the most operations one transaction may carry. */
    static final int MAX_TXN_OPS = 128;

    private final EtcdGateway gateway;

    EtcdKv(EtcdGateway gateway) {
        this.gateway = gateway;
    }

    Optional<KeyValue> get(ByteSequence key) {
        GetResponse r = gateway.call("get", c -> c.getKVClient().get(key));
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(r.getKvs().get(0));
    }

    List<KeyValue> range(ByteSequence prefix) {
        return gateway.call("range", c -> c.getKVClient().get(prefix, prefixOption(false))).getKvs();
    }

    /** The keys under a prefix, without their values. */
    List<KeyValue> keys(ByteSequence prefix) {
        return gateway.call("range", c -> c.getKVClient().get(prefix, prefixOption(true))).getKvs();
    }

    /** Several reads (see {@link #prefixOp} and {@link #getOp}) in one request, at one revision: a consistent snapshot. */
    List<List<KeyValue>> read(Op... reads) {
        TxnResponse r = gateway.call("range", c -> c.getKVClient().txn().Then(reads).commit());
        List<List<KeyValue>> out = new ArrayList<>();
        r.getGetResponses().forEach(g -> out.add(g.getKvs()));
        return out;
    }

    /** Exact keys read in one request (at most {@link #MAX_TXN_OPS}). */
    List<KeyValue> getAll(List<ByteSequence> keys) {
        Op[] ops = keys.stream().map(k -> (Op) Op.get(k, GetOption.DEFAULT)).toArray(Op[]::new);
        TxnResponse r = gateway.call("range", c -> c.getKVClient().txn().Then(ops).commit());
        List<KeyValue> out = new ArrayList<>();
        r.getGetResponses().forEach(g -> out.addAll(g.getKvs()));
        return out;
    }

    TxnResponse txn(List<Cmp> ifs, List<Op> then, List<Op> otherwise) {
        Cmp[] c1 = ifs.toArray(Cmp[]::new);
        Op[] t = then.toArray(Op[]::new);
        Op[] e = otherwise.toArray(Op[]::new);
        return gateway.call("txn", c -> c.getKVClient().txn().If(c1).Then(t).Else(e).commit());
    }

    void put(ByteSequence key, ByteSequence value, long leaseId) {
        gateway.call("put", c -> c.getKVClient().put(key, value, leaseOption(leaseId)));
    }

    /** True when the key existed. */
    boolean delete(ByteSequence key) {
        return gateway.call("delete", c -> c.getKVClient().delete(key)).getDeleted() > 0;
    }

    /** jetcd's key/values as the jetcd-free entries {@link EtcdListing} reads. */
    static List<EtcdListing.Entry> entries(List<KeyValue> kvs) {
        List<EtcdListing.Entry> out = new ArrayList<>(kvs.size());
        for (KeyValue k : kvs) {
            out.add(new EtcdListing.Entry(EtcdKeys.text(k.getKey()), k.getValue().getBytes(), k.getModRevision()));
        }
        return out;
    }

    static GetOption prefixOption(boolean keysOnly) {
        return GetOption.builder().isPrefix(true).withKeysOnly(keysOnly).build();
    }

    static PutOption leaseOption(long leaseId) {
        return leaseId == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(leaseId).build();
    }

    static Op putOp(ByteSequence key, ByteSequence value) {
        return Op.put(key, value, PutOption.DEFAULT);
    }

    static Op putOp(ByteSequence key, ByteSequence value, long leaseId) {
        return Op.put(key, value, leaseOption(leaseId));
    }

    static Op deleteOp(ByteSequence key) {
        return Op.delete(key, DeleteOption.DEFAULT);
    }

    static Op getOp(ByteSequence key) {
        return Op.get(key, GetOption.DEFAULT);
    }

    static Op prefixOp(ByteSequence prefix, boolean keysOnly) {
        return Op.get(prefix, prefixOption(keysOnly));
    }
}
