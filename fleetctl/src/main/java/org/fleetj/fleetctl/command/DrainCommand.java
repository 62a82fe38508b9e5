package org.fleetj.fleetctl.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitState;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.fleetctl.output.MachineLegend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Cordons a machine and has the engine move its units elsewhere, a few per engine pass and honouring every
 * placement rule; waits, printing each unit as it leaves, until none is left and every moved unit is active on its
 * new machine (with --include-global, until no global unit runs there either). A unit that cannot move stays running where it is; when the wait ends with units
 * left, their reasons are printed and the exit status is 1.
 */
@Command(name = "drain", description = {
        "Cordon a machine and move its units to other machines, a few at a time, honouring every rule (beyond fleet).",
        "Waits until the machine runs no unit, printing progress; global units stay unless --include-global is given."})
public final class DrainCommand extends FleetCommand {
    static final long POLL_MILLIS = 250;

    @Mixin
    MachineArgument target;

    @Option(names = "--include-global", description = "Stop global units on the machine too.")
    boolean includeGlobal;

    @Option(names = "--no-block", description = "Start the drain and return without waiting.")
    boolean noBlock;

    /** Units that left the drained machine during this command. */
    private final java.util.Set<String> moved = new java.util.HashSet<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Give up waiting after this many seconds (default 600); the drain goes on.")
    long timeoutSeconds;

    @Override
    protected int run(Session session) {
        ApiMachine m = target.find(session);
        FleetClient client = session.client();
        // read before draining: the engine starts moving units as soon as the state is set
        TreeSet<String> before = noBlock ? new TreeSet<>() : unitsOn(client, m.id());
        MachineAvailabilityChange.set(session, m, includeGlobal ? "draining-all" : "draining");
        String legend = MachineLegend.of(m.id(), session.machines(), false);
        session.out().println("Machine " + legend + " cordoned; draining" + (includeGlobal ? " (global units included)" : ""));
        if (noBlock) return 0;
        session.out().println(before.size() + " unit" + (before.size() == 1 ? "" : "s") + " to move off " + legend);
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (true) {
            TreeSet<String> left = unitsOn(client, m.id());
            reportMoves(session, client, before, left);
            if (left.isEmpty() && movedUnitsRun(client, m.id())) {
                session.out().println("Machine " + legend + " drained");
                return 0;
            }
            before = left;
            if (System.nanoTime() > deadline && left.isEmpty()) {
                session.err().println("Error: timed out after " + timeoutSeconds + " s: units moved off " + legend
                        + " are not all active yet: " + new TreeSet<>(moved));
                return 1;
            }
            if (System.nanoTime() > deadline) {
                session.err().println("Error: timed out after " + timeoutSeconds + " s with " + left.size() + " unit"
                        + (left.size() == 1 ? "" : "s") + " left on " + legend + " (the drain goes on):");
                Map<String, String> reasons = client.placement().waiting();
                for (String u : left) {
                    session.err().println("  " + u + ": " + reasons.getOrDefault(u, "no reason published yet"));
                }
                return 1;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailedException("interrupted while draining", e);
            }
        }
    }

    /**
     * Whether every unit that left the machine is active on its new machine (systemd's state as its agent
     * reports it): the drain is done when the units run elsewhere, not when the engine has decided it.
     */
    private boolean movedUnitsRun(FleetClient client, String drained) {
        Map<String, String> targets = new TreeMap<>();
        for (ApiUnit u : client.units()) {
            if (moved.contains(u.name()) && u.machineID() != null && !u.machineID().isEmpty() && "launched".equals(u.desiredState())) {
                targets.put(u.name(), u.machineID());
            }
        }
        if (targets.isEmpty()) return true;
        int running = 0;
        for (ApiUnitState s : client.unitStates()) {
            if (s.machineID().equals(targets.get(s.name())) && !drained.equals(s.machineID()) && "active".equals(s.systemdActiveState())) {
                running++;
            }
        }
        return running == targets.size();
    }

    /** Units the engine still has on the machine, and with --include-global the global units running there. */
    private TreeSet<String> unitsOn(FleetClient client, String machineId) {
        TreeSet<String> out = new TreeSet<>();
        List<String> globals = new ArrayList<>();
        for (ApiUnit u : client.units()) {
            if (UnitOptions.isGlobal(u)) {
                globals.add(u.name());
            } else if (machineId.equals(u.machineID())) {
                out.add(u.name());
            }
        }
        if (includeGlobal && !globals.isEmpty()) {
            for (ApiUnitState s : client.unitStates()) {
                if (machineId.equals(s.machineID()) && globals.contains(s.name())) out.add(s.name());
            }
        }
        return out;
    }

    private void reportMoves(Session session, FleetClient client, TreeSet<String> before, TreeSet<String> left) {
        if (before.equals(left)) return;
        Map<String, String> where = new TreeMap<>();
        for (ApiUnit u : client.units()) {
            if (before.contains(u.name()) && !left.contains(u.name())) where.put(u.name(), u.machineID());
        }
        for (String gone : before) {
            if (left.contains(gone)) continue;
            moved.add(gone);
            String to = where.get(gone);
            session.out().println("Unit " + gone + (to == null || to.isEmpty() ? " left" : " moved to " + MachineLegend.of(to, session.machines(), false))
                    + " (" + left.size() + " left)");
        }
    }
}
