package org.fleetj.fleetd.agent;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 */
final class DesiredStateReader {
    private static final Logger log = LoggerFactory.getLogger(DesiredStateReader.class);

    private final Registry registry;
    private final MachineState self;
    private final UnitFileCache files;

    DesiredStateReader(Registry registry, MachineState self, UnitFileCache files) {
        this.registry = registry;
        this.self = self;
        this.files = files;
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
        Set<String> unreadableGlobals = new HashSet<>();
        List<Job> globals = registry.globalJobs(r -> unreadableGlobals.add(r.name()));
        // an instruction that cannot be read is not an instruction to stop (the registry logs each bad key once)
        for (String name : unreadableEntries) keepAsItIs(name, local, desired, false);
        for (String name : unreadableGlobals) keepAsItIs(name, local, desired, true);
        if (!globals.isEmpty()) {
            MachineState me = registry.machines().stream().filter(m -> m.id().equals(self.id())).findFirst().orElse(self);
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
}
