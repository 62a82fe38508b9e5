package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.fleetj.unit.TargetState;

/**
 * Which global units ({@code Global=true}) one machine must run. The engine never places global units;
 * each machine's agent calls this with what it knows, so every agent (and anything that wants to show
 * where global units run) decides the same way.
 *
 * <p>A global unit runs on a machine when: its desired state is loaded or launched; it is not a template;
 * its MachineMetadata (with {@code key!=value} negations) matches the machine; a MachineID, if given, names
 * the machine; and it has no conflict (Conflicts, both ways, or Replaces) with a unit the engine scheduled
 * there, nor with a global unit already chosen for that machine. Scheduled units win over global ones;
 * among global units the first by name wins. fleet rejects MachineOf and Replaces on global units at
 * submission; here MachineOf is not consulted. A machine drained with its global units
 * ({@code fleetctl drain --include-global}) runs none.
 */
public final class GlobalPlacement {

    private GlobalPlacement() {
    }

    /**
     * The decision for one machine.
     *
     * @param run     the global units the machine runs, in name order (with their desired state)
     * @param skipped global units wanting to run (loaded/launched, not templates) that this machine does not
     *                run, with the reason, in name order
     */
    public record Decision(List<UnitSpec> run, List<Unplaced> skipped) {
        public Decision {
            run = List.copyOf(run);
            skipped = List.copyOf(skipped);
        }

        /** Whether the named global unit runs here. */
        public boolean runs(String unit) {
            return run.stream().anyMatch(u -> u.name().equals(unit));
        }
    }

    /**
     * Decides which global units {@code machine} runs.
     *
     * @param machine        the machine (its metadata counts)
     * @param units          any units; only those with {@code Global=true} are considered
     * @param scheduledHere  the non-global units the engine scheduled to this machine (their names and
     *                       Conflicts count)
     */
    public static Decision decide(Machine machine, Collection<UnitSpec> units, Collection<UnitSpec> scheduledHere) {
        List<UnitSpec> globals = new ArrayList<>();
        for (UnitSpec u : units) {
            if (u.xfleet().global()) {
                globals.add(u);
            }
        }
        globals.sort(Comparator.comparing(UnitSpec::name));
        List<UnitRules> occupants = new ArrayList<>(scheduledHere.size());
        for (UnitSpec s : scheduledHere) {
            occupants.add(new UnitRules(s.name(), s.xfleet()));
        }
        String shortId = machine.shortId();
        List<UnitSpec> run = new ArrayList<>();
        List<Unplaced> skipped = new ArrayList<>();
        for (UnitSpec g : globals) {
            if (g.desiredState() == TargetState.INACTIVE || g.isTemplate()) {
                continue;
            }
            UnitRules rules = new UnitRules(g.name(), g.xfleet());
            String why = machine.availability() == Machine.Availability.DRAINING_WITH_GLOBAL_UNITS
                    ? "machine " + shortId + " is draining, global units included" : null;
            Optional<String> id = g.xfleet().machineId();
            if (why == null && id.isPresent() && !machine.id().equals(id.get()) && !shortId.equals(id.get())) {
                why = "MachineID " + id.get() + " does not name machine " + shortId;
            }
            if (why == null) {
                String mismatch = rules.metadataMismatch(machine.metadata());
                why = mismatch == null ? null : "machine " + shortId + " fails " + mismatch;
            }
            for (int i = 0; why == null && i < occupants.size(); i++) {
                why = rules.exclusionWith(occupants.get(i), shortId);
            }
            if (why == null) {
                run.add(g);
                occupants.add(rules);
            } else {
                skipped.add(new Unplaced(g.name(), why));
            }
        }
        return new Decision(run, skipped);
    }
}
