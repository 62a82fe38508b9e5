package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.fleetj.unit.UnitFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content-addressed unit bodies {@code unit/<sha1>}. A body never changes under its hash, so each one is
 * fetched once and then served from memory; many missing bodies are fetched in one request.
 */
final class UnitBodies {
    private static final Logger log = LoggerFactory.getLogger(UnitBodies.class);
    /** Above this many missing bodies, reading the whole {@code unit/} prefix once beats batches of gets. */
    private static final int WHOLE_PREFIX_THRESHOLD = 256;

    private final EtcdKv kv;
    private final EtcdKeys keys;
    private final Map<String, UnitFile> byHash = new ConcurrentHashMap<>();
    private final UnreadableRecords unreadable;
    private final EtcdListing listing;

    UnitBodies(EtcdKv kv, EtcdKeys keys, UnreadableRecords unreadable) {
        this.kv = kv;
        this.keys = keys;
        this.unreadable = unreadable;
        this.listing = unreadable.listing(keys);
    }

    void remember(UnitFile unit) {
        byHash.putIfAbsent(unit.hash().hex(), unit);
    }

    boolean isKnown(String hash) {
        return byHash.containsKey(hash);
    }

    Optional<UnitFile> get(String hash) {
        UnitFile cached = byHash.get(hash);
        if (cached != null) {
            return Optional.of(cached);
        }
        return kv.get(keys.unit(hash)).map(this::decodeAndRemember);
    }

    /** The bodies of these hashes that exist, fetching the unknown ones in as few requests as possible. */
    Map<String, UnitFile> getAll(Collection<String> hashes) {
        Set<String> missing = new LinkedHashSet<>();
        for (String h : hashes) {
            if (!byHash.containsKey(h)) {
                missing.add(h);
            }
        }
        if (missing.size() > WHOLE_PREFIX_THRESHOLD) {
            kv.range(keys.of(EtcdKeys.UNIT)).forEach(this::decodeOrSkip);
        } else if (!missing.isEmpty()) {
            List<String> list = new ArrayList<>(missing);
            for (int i = 0; i < list.size(); i += EtcdKv.MAX_TXN_OPS) {
                List<ByteSequence> batch = list.subList(i, Math.min(list.size(), i + EtcdKv.MAX_TXN_OPS)).stream().map(keys::unit).toList();
                kv.getAll(batch).forEach(this::decodeOrSkip);
            }
        }
        Map<String, UnitFile> out = new HashMap<>();
        for (String h : hashes) {
            UnitFile u = byHash.get(h);
            if (u != null) {
                out.put(h, u);
            }
        }
        return out;
    }

    /** A body that cannot be parsed is reported and left out: its jobs are then listed as missing their file. */
    private void decodeOrSkip(KeyValue kv) {
        unreadable.skipUnreadable(kv, () -> decodeAndRemember(kv));
    }

    private UnitFile decodeAndRemember(KeyValue kv) {
        EtcdListing.Entry entry = EtcdKv.entries(List.of(kv)).get(0);
        String key = entry.key();
        String hash = listing.bodyHash(entry);
        UnitFile cached = byHash.get(hash);
        if (cached != null) {
            return cached;
        }
        UnitFile unit = listing.body(entry);
        if (!unit.hash().hex().equals(hash)) {
            // kept under the hash it was stored by: jobs and schedule entries refer to that one
            log.warn("unit body {} hashes to {} when read back; the stored text was not in canonical form", key, unit.hash().hex());
        }
        byHash.put(hash, unit);
        return unit;
    }
}
