package org.fleetj.fleetd.agent;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this machine must run, read from the registry: the units the engine scheduled here (not inactive) plus
 * the global units this machine matches. A unit whose file is missing from the registry keeps what runs: an
 * unreadable instruction is not an instruction to stop.
 *
 * <p>The schedule is read on every pass (its watch is what wakes most passes); the global jobs and this machine's
 * record (its metadata and availability, which decide the global units it runs) only after their watch said they
 * changed ({@link #globalsChanged()}), or when a pass asks for everything: at 10,000 units the engine's
 * transactions wake every agent dozens of times, and reading unchanged global jobs each time was a third of the
 * agents' requests.
 */
final class DesiredStateReader {
    private static final Logger log = LoggerFactory.getLogger(DesiredStateReader.class);

    private final Registry registry;
    private final MachineState self;
    private final UnitFileCache files;
    /** Set (from any thread) when they may have changed; the global jobs and this machine's record are read again when set. */
    private final AtomicBoolean globalsStale = new AtomicBoolean(true);
    // the last read of the global jobs, kept between passes (agent's thread)
    private List<Job> globals = List.of();
    private Set<String> unreadableGlobals = Set.of();
    private MachineState me;

    DesiredStateReader(Registry registry, MachineState self, UnitFileCache files) {
        this.registry = registry;
        this.self = self;
        this.files = files;
        this.me = self;
    }

    /** The global jobs, or this machine's metadata or availability, may have changed: the next pass reads them again. */
    void globalsChanged() {
        globalsStale.set(true);
    }

    /** A unit this machine runs, kept as it runs (loaded or launched) while what the registry says of it cannot be read. */
    private void keepAsItIs(String name, Map<String, LocalUnit> local, Map<String, DesiredUnit> desired, boolean global) {
        LocalUnit l = local.get(name);
        if (l == null || desired.containsKey(name)) return;
        files.get(l.hash()).ifPresent(f -> desired.put(name, new DesiredUnit(name, f,
                l.applied() == TargetState.LAUNCHED ? TargetState.LAUNCHED : TargetState.LOADED, global)));
    }

    /** @throws org.fleetj.registry.RegistryException when the registry cannot be read (nothing is decided then) */
    Map<String, DesiredUnit> read(Map<String, LocalUnit> local) {
        Map<String, DesiredUnit> desired = new TreeMap<>();
        Set<String> unreadableEntries = new HashSet<>();
        List<ScheduledUnit> scheduled = registry.scheduleOf(self.id(), r -> unreadableEntries.add(r.name()));
        files.prefetch(scheduled);
        for (ScheduledUnit s : scheduled) {
            if (s.desiredState() == TargetState.INACTIVE) continue;
            Optional<UnitFile> file = files.get(s.unitHash());
            if (file.isEmpty()) {
                log.warn("agent: {} is scheduled here but its unit file {} is missing from the registry; leaving it as it is",
                        s.name(), s.unitHash());
                keepAsItIs(s.name(), local, desired, false);
                continue;
            }
            desired.put(s.name(), new DesiredUnit(s.name(), file.get(), s.desiredState(), false));
        }
        refreshGlobals();
        // an instruction that cannot be read is not an instruction to stop (the registry logs each bad key once)
        for (String name : unreadableEntries) keepAsItIs(name, local, desired, false);
        for (String name : unreadableGlobals) keepAsItIs(name, local, desired, true);
        if (!globals.isEmpty()) {
            for (Job j : GlobalUnitSelector.select(me, globals, List.copyOf(desired.values()))) {
                if (!desired.containsKey(j.name())) {
                    desired.put(j.name(), new DesiredUnit(j.name(), j.unit(), j.desiredState(), true));
                    files.put(j.unit());
                }
            }
        }
        Set<String> inUse = new HashSet<>();
        desired.values().forEach(d -> inUse.add(d.hash()));
        local.values().forEach(l -> inUse.add(l.hash()));
        files.retainOnly(inUse);
        return desired;
    }

    /**
     * Reads the global jobs (and this machine's record, when there are any) if their watch fired since the last read.
     * The mark is taken before reading, so a change during the read makes the next pass read again; a failed read
     * leaves it set.
     */
    private void refreshGlobals() {
        if (!globalsStale.getAndSet(false)) return;
        try {
            Set<String> unreadable = new HashSet<>();
            List<Job> read = registry.globalJobs(r -> unreadable.add(r.name()));
            me = read.isEmpty() ? self
                    : registry.machines().stream().filter(m -> m.id().equals(self.id())).findFirst().orElse(self);
            globals = read;
            unreadableGlobals = unreadable;
        } catch (RuntimeException e) {
            globalsStale.set(true);
            throw e;
        }
    }
}
