package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.DuplicateMachineException;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.etcd.EtcdValues.MachineValue;
import org.fleetj.registry.support.NameRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live machines ({@code machine/<id>} under each one's presence lease) and their dynamic metadata
 * ({@code machine-meta/<id>/<key>}, persistent) and cordon/drain state ({@code machine-control/<id>}, persistent). Announcing is create-if-absent: an entry of another live
 * fleetd is refused, one of this very fleetd restarted (same hostname and IP) is taken over.
 */
final class MachineDirectory {
    private static final Logger log = LoggerFactory.getLogger(MachineDirectory.class);
    private static final int ATTEMPTS = 5;

    private final EtcdRuntime rt;
    private final EtcdKv kv;
    private final EtcdKeys keys;

    private final EtcdListing listing;

    MachineDirectory(EtcdRuntime rt, EtcdKv kv, UnreadableRecords unreadable) {
        this.listing = unreadable.listing(rt.keys());
        this.rt = rt;
        this.kv = kv;
        this.keys = rt.keys();
    }

    /** Grants a lease and announces {@code self} under it; the lease is not kept alive yet. */
    KeptLease announce(MachineState self, String hostname, Duration ttl) {
        KeptLease lease = KeptLease.grant(rt, ttl, "machine " + self.id());
        try {
            announceUnder(lease.id(), self, hostname);
            return lease;
        } catch (RuntimeException e) {
            lease.revoke();
            throw e;
        }
    }

    private void announceUnder(long leaseId, MachineState self, String hostname) {
        ByteSequence key = keys.machine(self.id());
        ByteSequence value = EtcdCodec.machine(self, hostname);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            TxnResponse r = kv.txn(List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))),
                    List.of(EtcdKv.putOp(key, value, leaseId)), List.of(EtcdKv.getOp(key)));
            if (r.isSucceeded()) {
                return;
            }
            List<KeyValue> existing = r.getGetResponses().get(0).getKvs();
            if (existing.isEmpty()) {
                continue; // it expired in between: try to create it again
            }
            KeyValue kvExisting = existing.get(0);
            MachineValue other = EtcdCodec.machine(kvExisting.getValue(), EtcdKeys.text(key));
            String otherHost = other.hostname() == null ? "" : other.hostname();
            String otherIp = other.publicIp() == null ? "" : other.publicIp();
            if (!otherHost.equals(hostname) || !otherIp.equals(self.publicIp())) {
                throw new DuplicateMachineException("machine id " + self.id() + " is already registered by a live fleetd on hostname "
                        + otherHost + " (IP " + otherIp + "); refusing to join as hostname " + hostname + " (IP " + self.publicIp()
                        + "): every machine needs its own /etc/machine-id");
            }
            TxnResponse takeover = kv.txn(List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(kvExisting.getModRevision()))),
                    List.of(EtcdKv.putOp(key, value, leaseId)), List.of());
            if (takeover.isSucceeded()) {
                log.info("machine {} (hostname {}, IP {}) restarted: taking over its registration", self.id(), hostname, self.publicIp());
                return;
            }
        }
        throw new RegistryException("machine " + self.id() + " could not be announced: its entry kept changing concurrently");
    }

    /** Rewrites the announcement under the lease it already has. */
    void update(long leaseId, MachineState self, String hostname) {
        kv.put(keys.machine(self.id()), EtcdCodec.machine(self, hostname), leaseId);
    }

    List<MachineState> machines(Consumer<UnreadableRecord> sink) {
        List<List<KeyValue>> read = kv.read(EtcdKv.prefixOp(keys.of(EtcdKeys.MACHINE), false), EtcdKv.prefixOp(keys.of(EtcdKeys.MACHINE_META), false),
                EtcdKv.prefixOp(keys.of(EtcdKeys.MACHINE_CONTROL), false));
        return listing.machines(EtcdKv.entries(read.get(0)), EtcdKv.entries(read.get(1)), EtcdKv.entries(read.get(2)), sink);
    }

    void setMetadata(String machineId, String key, String value) {
        NameRules.machineId(machineId);
        NameRules.metadataKey(key);
        ByteSequence k = keys.machineMeta(machineId, key);
        if (value == null) {
            kv.delete(k);
        } else {
            kv.put(k, EtcdKeys.bytes(value), 0);
        }
    }

    void setAvailability(String machineId, MachineAvailability a) {
        NameRules.machineId(machineId);
        if (a == MachineAvailability.SCHEDULABLE) {
            kv.delete(keys.machineControl(machineId));
        } else {
            kv.put(keys.machineControl(machineId), EtcdKeys.bytes(a.wireName()), 0);
        }
    }

    Map<String, Map<String, String>> metadata() {
        return listing.metadata(EtcdKv.entries(kv.range(keys.of(EtcdKeys.MACHINE_META))));
    }
}
