package org.fleetj.fleetd.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachineState;
import org.fleetj.fleetd.machine.SnapshotMachines;
import org.fleetj.scheduler.GlobalPlacement;
import org.fleetj.scheduler.UnitSpec;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which global jobs this machine runs: the registry's view translated into the scheduler's, decided by
 * {@link GlobalPlacement} so the agent and anything else that asks decide the same way.
 */
final class GlobalUnitSelector {
    private static final Logger log = LoggerFactory.getLogger(GlobalUnitSelector.class);

    private GlobalUnitSelector() {
    }

    /**
     * @param self          this machine
     * @param globals       every global job
     * @param scheduledHere the jobs the engine scheduled to this machine (their Conflicts count)
     */
    static List<Job> select(MachineState self, List<Job> globals, List<DesiredUnit> scheduledHere) {
        if (globals.isEmpty()) return List.of();
        Map<String, Job> byName = new HashMap<>();
        List<UnitSpec> specs = new ArrayList<>();
        for (Job j : globals) {
            Optional<XFleet> x = requirements(j.name(), j.unit());
            if (x.isEmpty()) {
                log.warn("agent: ignoring global unit {}: its [X-Fleet] section is invalid", j.name());
                continue;
            }
            byName.put(j.name(), j);
            specs.add(UnitSpec.unscheduled(j.name(), x.get(), j.desiredState()));
        }
        List<UnitSpec> here = new ArrayList<>();
        for (DesiredUnit d : scheduledHere) {
            here.add(UnitSpec.scheduled(d.name(), requirements(d.name(), d.file()).orElse(XFleet.NONE), d.state(), self.id()));
        }
        GlobalPlacement.Decision decision =
                GlobalPlacement.decide(SnapshotMachines.of(self), specs, here);
        List<Job> out = new ArrayList<>();
        for (UnitSpec s : decision.run()) out.add(byName.get(s.name()));
        return out;
    }

    private static Optional<XFleet> requirements(String name, UnitFile file) {
        try {
            return Optional.of(XFleet.from(file, name));
        } catch (UnitParseException e) {
            return Optional.empty();
        }
    }
}
