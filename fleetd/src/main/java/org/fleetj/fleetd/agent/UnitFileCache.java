package org.fleetj.fleetd.agent;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fleetj.registry.Registry;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * An agent's unit files by hash. Bodies are content-addressed, so a cached one never goes stale; what is kept is
 * trimmed to the hashes still in use. Not thread-safe: used by the agent's single thread.
 */
public final class UnitFileCache {
    private final Registry registry;
    private final Map<String, UnitFile> byHash = new HashMap<>();

    public UnitFileCache(Registry registry) {
        this.registry = registry;
    }

    /** Reads the files of newly scheduled units in one request (a burst of a hundred decisions is one read, not a hundred). */
    public void prefetch(Collection<ScheduledUnit> scheduled) {
        Set<String> missing = new HashSet<>();
        for (ScheduledUnit s : scheduled) {
            if (s.desiredState() != TargetState.INACTIVE && !byHash.containsKey(s.unitHash())) missing.add(s.unitHash());
        }
        if (missing.size() > 1) byHash.putAll(registry.unitFiles(missing));
    }

    /** The file with that hash, from the cache or else the registry. */
    public Optional<UnitFile> get(String hash) {
        UnitFile f = byHash.get(hash);
        if (f != null) return Optional.of(f);
        Optional<UnitFile> fetched = registry.unitFile(hash);
        fetched.ifPresent(u -> byHash.put(hash, u));
        return fetched;
    }

    /** The file with that hash if it is cached; never asks the registry (for checks made on every pass). */
    public Optional<UnitFile> cached(String hash) {
        return Optional.ofNullable(byHash.get(hash));
    }

    /** Remembers a file known by other means (a global job, a file left on disk). */
    public void put(UnitFile file) {
        byHash.putIfAbsent(file.hash().hex(), file);
    }

    /** Forgets every file whose hash is not in {@code inUse}. */
    public void retainOnly(Set<String> inUse) {
        byHash.keySet().retainAll(inUse);
    }
}
