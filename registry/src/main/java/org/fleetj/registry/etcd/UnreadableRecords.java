package org.fleetj.registry.etcd;

import io.etcd.jetcd.KeyValue;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.RegistryMetrics;
import org.fleetj.registry.UnreadableRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a list does with a record it cannot read: skips it, so one bad value never stops the API's lists or the
 * cluster's scheduling, and reports it, logged once per key and revision (a list is read on every pass) and
 * counted as a failed {@code decode} operation in the registry's metrics
 * ({@code fleet_registry_operation_failed_count_total{type="decode"}}).
 */
final class UnreadableRecords {
    private static final Logger log = LoggerFactory.getLogger(UnreadableRecords.class);
    /** Enough to remember every bad key of a damaged cluster; the set is emptied (and warnings repeat) past it. */
    private static final int REMEMBERED = 10_000;

    private final RegistryMetrics metrics;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    UnreadableRecords(RegistryMetrics metrics) {
        this.metrics = metrics;
    }

    /** The decoded record, or empty (reported) when the value of {@code kv} cannot be read. */
    <T> Optional<T> skipUnreadable(KeyValue kv, Supplier<T> decode) {
        return skipUnreadable(kv, null, "", NOBODY, decode);
    }

    static final Consumer<UnreadableRecord> NOBODY = r -> { };

    /**
     * The decoded record, or empty when the value of {@code kv} cannot be read: then reported (logged once, counted)
     * and handed to {@code sink} as about {@code name} (the unit or machine the key names) and {@code machine} (the
     * machine of a schedule entry or unit state, else empty).
     */
    <T> Optional<T> skipUnreadable(KeyValue kv, String name, String machine, Consumer<UnreadableRecord> sink, Supplier<T> decode) {
        try {
            return Optional.of(decode.get());
        } catch (UnreadableRecordException e) {
            if (name != null) sink.accept(new UnreadableRecord(e.key(), name, machine, e.getMessage()));
            report(e, kv.getModRevision());
            return Optional.empty();
        }
    }

    /** Counts a skipped record and logs it once per key and revision ({@link EtcdListing.SkipReport}). */
    void report(UnreadableRecordException e, long modRevision) {
        metrics.record("decode", 0, true);
        if (reported.size() > REMEMBERED) reported.clear();
        if (reported.add(e.key() + "@" + modRevision)) {
            log.warn("{}; skipping it, everything else goes on (rewrite or delete the key to repair it)", e.getMessage());
        }
    }

    /** The shared list rules ({@link EtcdListing}) for keys under {@code keys}, reporting here. */
    EtcdListing listing(EtcdKeys keys) {
        return new EtcdListing(keys.layout(), this::report);
    }
}
