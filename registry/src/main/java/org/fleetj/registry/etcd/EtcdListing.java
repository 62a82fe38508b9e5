package org.fleetj.registry.etcd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.UnreadableRecordException;
import org.fleetj.registry.etcd.EtcdValues.JobValue;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;

/**
 * Turns the key/values of etcd's list reads into the registry's records: jobs with their placement, live machines
 * with their metadata and availability, unit states, unit bodies. Free of any etcd client's types and of logging,
 * so the jetcd registry ({@link JobStore}, {@link MachineDirectory}, {@link UnitStateStore}, {@link UnitBodies}) and
 * fleetctl's light reader of etcd's JSON gateway share this one copy of the rules. A record that cannot be read is
 * skipped, handed to the caller's sink as an {@link UnreadableRecord}, and to the {@link SkipReport} (the registry
 * logs and counts it there).
 */
public final class EtcdListing {
    /** One key/value as etcd answered it. */
    public record Entry(String key, byte[] value, long modRevision) {
    }

    /** Told of each record a list skipped (beside the sink), with the revision it was read at. */
    @FunctionalInterface
    public interface SkipReport {
        void skipped(UnreadableRecordException e, long modRevision);
    }

    /** Reports nothing beyond the sinks. */
    public static final SkipReport QUIET = (e, revision) -> { };
    private static final Consumer<UnreadableRecord> NOBODY = r -> { };

    private final EtcdKeyLayout layout;
    private final SkipReport report;

    public EtcdListing(EtcdKeyLayout layout, SkipReport report) {
        this.layout = layout;
        this.report = report;
    }

    public EtcdKeyLayout layout() {
        return layout;
    }

    /**
     * The decoded record, or empty when it cannot be read: then handed to {@code sink} as about {@code name} (the unit
     * or machine the key names; null: no sink) and {@code machine} (the machine of a schedule entry or unit state, else
     * empty), and reported.
     */
    <T> Optional<T> decodeOrSkip(Entry e, String name, String machine, Consumer<UnreadableRecord> sink, Supplier<T> decode) {
        try {
            return Optional.of(decode.get());
        } catch (UnreadableRecordException x) {
            if (name != null) sink.accept(new UnreadableRecord(x.key(), name, machine, x.getMessage()));
            report.skipped(x, e.modRevision());
            return Optional.empty();
        }
    }

    /**
     * Jobs from the entries of {@code section} ({@code job/} or {@code global/}) with their placement from the
     * {@code schedule/} keys (global jobs have none), sorted by name.
     *
     * @param bodies the unit files of these hashes that exist (and can be read)
     */
    public List<Job> jobs(String section, List<Entry> entries, List<Entry> scheduleKeys,
                          Function<Collection<String>, Map<String, UnitFile>> bodies, Consumer<UnreadableRecord> sink) {
        Map<String, String> placements = placements(scheduleKeys);
        Map<String, JobValue> values = new TreeMap<>();
        for (Entry e : entries) {
            String name = layout.nameAfter(section, e.key());
            decodeOrSkip(e, name, "", sink, () -> EtcdValues.job(e.value(), e.key())).ifPresent(v -> values.put(name, v));
        }
        Map<String, UnitFile> units = bodies.apply(values.values().stream().map(JobValue::hash).toList());
        List<Job> out = new ArrayList<>(values.size());
        values.forEach((name, v) -> {
            UnitFile unit = units.get(v.hash());
            if (unit == null) {
                String key = bodyKey(v.hash());
                sink.accept(new UnreadableRecord(key, name, "", "unit " + name + " refers to its unit file at etcd key " + key
                        + ", which is missing or cannot be read"));
                return;
            }
            Optional<String> target = v.global() ? Optional.empty() : Optional.ofNullable(placements.get(name));
            out.add(new Job(name, unit, v.desired(), target));
        });
        return out;
    }

    /** The one job {@code name} from its {@code job/} entry and the {@code schedule/} keys. */
    Job job(String name, Entry entry, List<Entry> scheduleKeys, Function<String, Optional<UnitFile>> body) {
        JobValue v = EtcdValues.job(entry.value(), entry.key());
        String bodyKey = bodyKey(v.hash());
        UnitFile unit = body.apply(v.hash()).orElseThrow(() -> new UnreadableRecordException(bodyKey,
                "the unit file " + v.hash() + " of unit " + name + " is missing from etcd (key " + bodyKey + ")", null));
        Optional<String> target = v.global() ? Optional.empty() : Optional.ofNullable(placements(scheduleKeys).get(name));
        return new Job(name, unit, v.desired(), target);
    }

    private String bodyKey(String hash) {
        return layout.of(EtcdKeyLayout.UNIT + hash);
    }

    /** Unit name → the machine whose schedule holds it, from {@code schedule/<machine>/<name>} keys. */
    Map<String, String> placements(List<Entry> scheduleKeys) {
        Map<String, String> out = new HashMap<>();
        for (Entry k : scheduleKeys) {
            EtcdKeyLayout.Pair e = layout.schedule(k.key());
            if (e != null) {
                out.putIfAbsent(e.second(), e.first());
            }
        }
        return out;
    }

    /** The hash a {@code unit/<hash>} entry is stored under (jobs and schedule entries refer to that one). */
    public String bodyHash(Entry e) {
        return layout.nameAfter(EtcdKeyLayout.UNIT, e.key());
    }

    /** The unit file of a {@code unit/<hash>} entry. */
    public UnitFile body(Entry e) {
        try {
            return UnitFile.parse(e.value());
        } catch (UnitParseException x) {
            throw new UnreadableRecordException(e.key(), "etcd key " + e.key() + " does not hold a valid unit file: " + x.getMessage(), x);
        }
    }

    /** Every readable body of {@code unit/} entries, by the hash each is stored under; the others skipped and reported. */
    public Map<String, UnitFile> bodies(List<Entry> entries) {
        Map<String, UnitFile> out = new HashMap<>();
        for (Entry e : entries) {
            decodeOrSkip(e, null, "", NOBODY, () -> body(e)).ifPresent(u -> out.put(bodyHash(e), u));
        }
        return out;
    }

    /**
     * Live machines from the {@code machine/}, {@code machine-meta/} and {@code machine-control/} entries read at one
     * revision: the announced metadata with the dynamic metadata over it, and the availability; sorted by id.
     */
    public List<MachineState> machines(List<Entry> machines, List<Entry> meta, List<Entry> control, Consumer<UnreadableRecord> sink) {
        Map<String, Map<String, String>> dynamic = metadata(meta);
        Map<String, MachineAvailability> availability = new TreeMap<>();
        for (Entry k : control) {
            availability.put(layout.nameAfter(EtcdKeyLayout.MACHINE_CONTROL, k.key()), MachineAvailability.fromWire(text(k.value())));
        }
        Map<String, MachineState> byId = new TreeMap<>();
        for (Entry k : machines) {
            String id = layout.nameAfter(EtcdKeyLayout.MACHINE, k.key());
            var decoded = decodeOrSkip(k, id, "", sink, () -> EtcdValues.machine(k.value(), k.key()).state());
            if (decoded.isEmpty()) continue;
            MachineState s = decoded.get();
            Map<String, String> merged = new TreeMap<>(s.metadata());
            merged.putAll(dynamic.getOrDefault(id, Map.of()));
            byId.put(id, new MachineState(id, s.publicIp(), merged, s.version(), s.capacity(),
                    availability.getOrDefault(id, MachineAvailability.SCHEDULABLE), s.apiUrl()));
        }
        return new ArrayList<>(byId.values());
    }

    /** Dynamic metadata by machine id, from {@code machine-meta/<id>/<key>} entries. */
    public Map<String, Map<String, String>> metadata(List<Entry> entries) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Entry k : entries) {
            EtcdKeyLayout.Pair p = layout.machineMeta(k.key());
            if (p == null) {
                continue;
            }
            out.computeIfAbsent(p.first(), id -> new TreeMap<>()).put(p.second(), text(k.value()));
        }
        Map<String, Map<String, String>> frozen = new TreeMap<>();
        out.forEach((id, m) -> frozen.put(id, Map.copyOf(m)));
        return frozen;
    }

    /** Unit states from {@code state/<unit>/<machine>} entries, sorted by unit name then machine id. */
    public List<UnitState> unitStates(List<Entry> entries, Consumer<UnreadableRecord> sink) {
        List<UnitState> out = new ArrayList<>();
        for (Entry k : entries) {
            EtcdKeyLayout.Pair p = layout.state(k.key());
            if (p == null) {
                continue;
            }
            decodeOrSkip(k, p.first(), p.second(), sink, () -> EtcdValues.state(p.first(), p.second(), k.value(), k.key()))
                    .ifPresent(out::add);
        }
        out.sort(Comparator.comparing(UnitState::name).thenComparing(UnitState::machineId));
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
