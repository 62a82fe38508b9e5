package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitState;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.fleetctl.output.MachineLegend;

/**
 * Waits for units to reach a fleet state, printing each unit's outcome as it lands
 * ({@code Unit hello.service launched on 113f16a7.../172.17.8.103}). fleet polls every 250 ms in 2 s
 * attempts; our fleet reacts within milliseconds, so we poll every {@link #POLL_MILLIS} ms and keep
 * fleet's meaning of an attempt (a 2 s window) for {@code --block-attempts}. A poll that took longer than that
 * (a thousand units are ten pages of {@code GET /units}) is followed by a pause as long as it took: the waiting
 * client then keeps the API busy at most half the time, while that API's machine is starting the very units waited for.
 */
final class StateWaiter {
    static final long POLL_MILLIS = 50;
    static final long ATTEMPT_MILLIS = 2000;
    /** For {@code attempts}: look once, do not wait. */
    static final int LOOK_ONCE = -1;

    /** How the waiter pauses between polls: {@link Thread#sleep(long)}, or a test's record of what it asked for. */
    @FunctionalInterface
    interface Pause {
        void millis(long millis) throws InterruptedException;
    }

    private final Session session;
    private final java.util.function.LongSupplier clock;
    private final Pause pause;

    StateWaiter(Session session) {
        this(session, System::nanoTime, Thread::sleep);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} */
    StateWaiter(Session session, java.util.function.LongSupplier clock, Pause pause) {
        this.session = session;
        this.clock = clock;
        this.pause = pause;
    }

    /**
     * Waits until every unit's current state (desired state for global units) is {@code state}.
     *
     * @param attempts 0 waits without limit; N gives up after N attempts; {@link #LOOK_ONCE} does not wait
     * @throws CommandFailedException on timeout, or when a unit was destroyed meanwhile (after the others' wait)
     */
    void awaitState(List<String> names, String state, int attempts) {
        FleetClient client = session.client();
        Set<String> pending = new LinkedHashSet<>(names);
        List<String> gone = new ArrayList<>();
        long started = clock.getAsLong();
        long deadline = deadline(attempts);
        WaitReasonNotes notes = new WaitReasonNotes(session);
        while (true) {
            long polled = clock.getAsLong();
            Map<String, ApiUnit> units = fetch(client, pending);
            for (String name : new ArrayList<>(pending)) {
                ApiUnit unit = units.get(name);
                if (unit == null) {
                    pending.remove(name);
                    gone.add(name);
                    continue;
                }
                boolean global = UnitOptions.isGlobal(unit);
                String reached = global ? unit.desiredState() : unit.currentState();
                if (state.equals(reached)) {
                    session.out().println(outcome(unit, reached));
                    pending.remove(name);
                }
            }
            if (pending.isEmpty() || attempts == LOOK_ONCE) {
                session.debug(names.size() + " unit(s) waited for to report state " + state + " for "
                        + (clock.getAsLong() - started) / 1_000_000 + " ms");
                disappeared(gone, "to report state " + state);
                return;
            }
            boolean placing = !"inactive".equals(state);
            if (placing && clock.getAsLong() - started > WaitReasonNotes.FIRST_NOTE_NANOS) notes.noteOnce(pending);
            if (clock.getAsLong() > deadline) {
                if (placing) notes.noteAll(pending);
                throw new CommandFailedException("Error waiting for units: timed out waiting for "
                        + (pending.size() == 1 ? "unit " + pending.iterator().next() : "units " + UnitLookup.goList(new ArrayList<>(pending)))
                        + " to report state " + state);
            }
            pauseAfter(polled);
        }
    }

    /**
     * After {@code start}: waits until systemd reports each unit active and loaded on its machine.
     *
     * @throws CommandFailedException on timeout, or when systemd reports the unit failed
     */
    void awaitSystemdActive(List<String> names, int attempts) {
        FleetClient client = session.client();
        Set<String> pending = new LinkedHashSet<>(names);
        List<String> gone = new ArrayList<>();
        long deadline = deadline(attempts);
        long started = clock.getAsLong();
        while (true) {
            long polled = clock.getAsLong();
            Map<String, ApiUnit> units = fetch(client, pending);
            Map<String, List<ApiUnitState>> states = new HashMap<>();
            for (ApiUnitState s : client.unitStates()) {
                if (pending.contains(s.name())) states.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
            }
            for (String name : new ArrayList<>(pending)) {
                ApiUnit unit = units.get(name);
                if (unit == null) {
                    pending.remove(name);
                    gone.add(name);
                    continue;
                }
                if (unit.machineID() == null) continue;
                if (org.fleetj.fleetctl.client.UnitOptions.isJob(unit)) {
                    pending.remove(name); // beyond fleet: a one-shot job is not meant to stay active; launched is done
                    continue;
                }
                for (ApiUnitState s : states.getOrDefault(name, List.of())) {
                    if (!unit.machineID().equals(s.machineID())) continue;
                    if ("active".equals(s.systemdActiveState()) && "loaded".equals(s.systemdLoadState())) {
                        pending.remove(name);
                    } else if ("failed".equals(s.systemdActiveState())) {
                        throw new CommandFailedException("Error waiting for systemd unit states: unit " + name + " failed on "
                                + MachineLegend.of(s.machineID(), session.machines(), false)
                                + " (" + s.systemdActiveState() + "/" + s.systemdSubState() + ")");
                    }
                }
            }
            if (pending.isEmpty()) {
                session.debug(names.size() + " unit(s) waited for to become active in systemd for "
                        + (clock.getAsLong() - started) / 1_000_000 + " ms");
                disappeared(gone, "to become active");
                return;
            }
            if (clock.getAsLong() > deadline) {
                throw new CommandFailedException("Error waiting for systemd unit states: timed out waiting for "
                        + UnitLookup.goList(new ArrayList<>(pending)) + " to become active");
            }
            pauseAfter(polled);
        }
    }

    /** fleet's message when a unit reached its state: {@code Unit X <state>[ on <machine>]}. */
    String outcome(ApiUnit unit, String state) {
        String message = "Unit " + unit.name() + " " + state;
        String machineId = unit.machineID();
        // An inactive unit is on no machine. Its target can still be in the answer for a moment (the target and the
        // agent's state are read apart, and the engine removes the target as the agent unloads): fleet prints none.
        if (machineId != null && !machineId.isEmpty() && !"inactive".equals(state)) {
            Map<String, ApiMachine> machines = session.machines();
            if (!machines.containsKey(machineId)) {
                session.refreshMachines();
                machines = session.machines();
            }
            if (machines.containsKey(machineId)) message += " on " + MachineLegend.of(machineId, machines, false);
        }
        return message;
    }

    private static Map<String, ApiUnit> fetch(FleetClient client, Set<String> names) {
        return UnitLookup.registered(client, names);
    }

    /** A unit destroyed (by someone else) while we waited for it ends its wait: the command says so and fails. */
    private static void disappeared(List<String> gone, String waitingFor) {
        if (gone.isEmpty()) return;
        throw new CommandFailedException("Error waiting for units: "
                + (gone.size() == 1 ? "unit " + gone.get(0) + " was" : "units " + UnitLookup.goList(gone) + " were")
                + " destroyed while waiting for " + (gone.size() == 1 ? "it " : "them ") + waitingFor);
    }

    private long deadline(int attempts) {
        return attempts <= 0 ? Long.MAX_VALUE : clock.getAsLong() + attempts * ATTEMPT_MILLIS * 1_000_000L;
    }

    /** Before the next poll: {@link #POLL_MILLIS}, or as long as the poll begun at {@code polled} took if longer. */
    private void pauseAfter(long polled) {
        try {
            pause.millis(Math.max(POLL_MILLIS, (clock.getAsLong() - polled) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while waiting for units", e);
        }
    }
}
