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

    /** @throws org.fleetj.registry.RegistryException when the registry cannot be read (nothing is decided then) */
    Map<String, DesiredUnit> read(Map<String, LocalUnit> local) {
        Map<String, DesiredUnit> desired = new TreeMap<>();
        List<ScheduledUnit> scheduled = registry.scheduleOf(self.id());
        files.prefetch(scheduled);
        for (ScheduledUnit s : scheduled) {
            if (s.desiredState() == TargetState.INACTIVE) continue;
            Optional<UnitFile> file = files.get(s.unitHash());
            if (file.isEmpty()) {
                log.warn("agent: {} is scheduled here but its unit file {} is missing from the registry; leaving it as it is",
                        s.name(), s.unitHash());
                LocalUnit l = local.get(s.name());
                if (l != null) {
                    Optional<UnitFile> current = files.get(l.hash());
                    current.ifPresent(f -> desired.put(s.name(), new DesiredUnit(s.name(), f,
                            l.applied() == TargetState.LAUNCHED ? TargetState.LAUNCHED : TargetState.LOADED, false)));
                }
                continue;
            }
            desired.put(s.name(), new DesiredUnit(s.name(), file.get(), s.desiredState(), false));
        }
        List<Job> globals = registry.globalJobs();
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
