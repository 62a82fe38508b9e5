package org.fleetj.fleetd.systemd;

import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the agent needs from its machine's systemd. Unit files live in a units directory (default
 * {@code /run/fleet/units}) and are linked into systemd's runtime directory, so they disappear on reboot
 * like everything fleet schedules.
 *
 * <p>Every method throws {@link SystemdException} (with the D-Bus error name when systemd refused) or
 * {@link SystemdUnavailableException} while the bus connection is down, and {@link RejectedUnitNameException}
 * for a name systemd would not accept. Names are checked before anything is sent or written.
 *
 * <p>Typical load: {@code writeUnitFile, linkUnit, [enableUnit,] reload, startUnit};
 * unload: {@code stopUnit, disableUnit, removeUnitFile, reload, resetFailed}.
 */
public interface SystemdManager extends AutoCloseable {
    /** The D-Bus error systemd answers for a unit (or unit file) it does not know ({@link SystemdException#dbusErrorName()}). */
    String NO_SUCH_UNIT = "org.freedesktop.systemd1.NoSuchUnit";

    /** Writes the unit file atomically (temp + rename) with mode 0644 into the units directory. */
    void writeUnitFile(String name, String contents);

    /**
     * The unit files now in the units directory, name to contents (null when unreadable): what an earlier
     * fleetd on this machine left, so a restarted agent knows what it runs without touching any unit.
     */
    Map<String, String> unitFilesOnDisk();

    /** Deletes the unit file from the units directory; returns false if there was none. */
    boolean removeUnitFile(String name);

    /** LinkUnitFiles([file], runtime=true, force=true): makes systemd find the unit (after {@link #reload}). */
    void linkUnit(String name);

    /**
     * {@link #linkUnit} for each unit, in order; what failed, by unit in the same order (empty when all were linked).
     * The D-Bus implementation sends every call before it reads the first reply, as {@link #startUnits} does: an agent
     * given hundreds of units at once waited for one round trip to systemd per unit.
     */
    default Map<String, RuntimeException> linkUnits(java.util.List<String> names) {
        return eachUnit(names, this::linkUnit);
    }

    /** Runs {@code action} for each unit, one after another; what failed, by unit, in order. */
    private static Map<String, RuntimeException> eachUnit(java.util.List<String> names, Consumer<String> action) {
        Map<String, RuntimeException> failed = new java.util.LinkedHashMap<>();
        for (String name : names) {
            try {
                action.accept(name);
            } catch (SystemdException | IllegalArgumentException e) {
                failed.put(name, e);
            }
        }
        return failed;
    }

    /**
     * EnableUnitFiles([file], runtime=true, force=true): creates the [Install] symlinks (WantedBy=…) in
     * the runtime directory. Call only for units that have an [Install] section.
     *
     * @return whether systemd found install information in the unit
     */
    boolean enableUnit(String name);

    /**
     * DisableUnitFiles([name], runtime=true): removes every runtime symlink to the unit, which undoes
     * both {@link #enableUnit} and {@link #linkUnit} (systemd treats the link made by "link" like an
     * enablement symlink). Calling it for a unit that is not linked (never was, or its link is gone already) is
     * harmless: systemd's NoSuchUnit ("Unit file x does not exist") means there is nothing to disable.
     */
    void disableUnit(String name);

    /** Reload() = {@code systemctl daemon-reload}; needed after unit files changed. */
    void reload();

    /**
     * StartUnit(name, "replace").
     *
     * @return the object path of the queued job
     */
    String startUnit(String name);

    /**
     * StartUnit(name, "replace") for each unit, in order; what failed, by unit in the same order (empty when all were
     * queued). The
     * D-Bus implementation sends every call before it reads the first reply, so systemd works through them without
     * waiting for this process to be scheduled between calls (on a busy machine, most of a start's ~100 ms).
     */
    default Map<String, RuntimeException> startUnits(java.util.List<String> names) {
        return eachUnit(names, this::startUnit);
    }

    /**
     * StopUnit(name, "replace"). Stopping a unit systemd does not know is not an error.
     *
     * @return the object path of the queued job, or an empty string if there was nothing to stop
     */
    String stopUnit(String name);

    /** ResetFailedUnit(name), so a stopped failed unit is forgotten; "not loaded" is not an error. */
    void resetFailed(String name);

    /**
     * The current status of each named unit in one call (ListUnitsByNames; ListUnits on systemd older
     * than 230). Every requested name is in the result; units systemd has no file for are
     * {@code not-found/inactive/dead}.
     */
    Map<String, SystemdUnitStatus> unitStates(Collection<String> names);

    /**
     * Of the named units, those systemd holds in memory now, with their status; a name it does not hold is left out.
     * Unlike {@link #unitStates} this never makes systemd load a unit (the D-Bus implementation asks GetUnit, pipelined,
     * then the status of the units held): ListUnitsByNames loads every name it is given, and for a unit whose file is
     * not linked yet systemd searches every unit directory — over a second per call for an agent pass of 60 new units
     * among hundreds in the 1,000-unit benchmark, most of each agent's time. This default, for implementations without
     * that cost, leaves out the units {@link #unitStates} reports not found.
     */
    default Map<String, SystemdUnitStatus> heldUnitStates(Collection<String> names) {
        Map<String, SystemdUnitStatus> held = new java.util.LinkedHashMap<>(unitStates(names));
        held.values().removeIf(SystemdUnitStatus::isNotFound);
        return held;
    }

    /**
     * Delivers the new status of a watched unit whenever its load/active/sub state changes, driven by
     * systemd's signals (PropertiesChanged on the unit, JobRemoved, UnitNew, Reloading) —
     * never by polling every unit. A unit whose systemd job ended is delivered even when its states are the same
     * again (a quick oneshot runs and ends between two reads; what ran is then asked of {@link #lastRun}). Each change is delivered once, in order, on one thread; a listener
     * must not block for long. After the bus connection is re-established, every watched unit is
     * re-read and delivered if it changed meanwhile.
     */
    StatusSubscription subscribe(Consumer<SystemdUnitStatus> listener);

    /**
     * Replaces the set of units whose changes are delivered to subscribers. Units newly added are read
     * once and delivered, so a subscriber learns their current status without a separate call.
     */
    void watch(Collection<String> names);

    /**
     * The unit's last run as systemd remembers it (beyond fleet: how a one-shot job ended). One call per unit;
     * meant for the few units that are jobs, not for every unit.
     */
    UnitRun lastRun(String name);

    /**
     * Keeps the unit in systemd's memory while this connection lives (Unit.Ref, as {@code systemd-run --wait} does).
     * systemd forgets an inactive unit nobody refers to at once (garbage collection), and with it how its last run
     * ended; a one-shot job is pinned before it starts so that {@link #lastRun} can still tell.
     */
    void keepLastRun(String name);

    /** The machine id of the machine whose systemd this is (from systemd itself, not from local files). */
    String machineId();

    /** Stops signal delivery and reconnect attempts and closes the bus connection. */
    @Override
    void close();

    /** A registered status listener; closing it stops delivery to it. */
    interface StatusSubscription extends AutoCloseable {
        @Override
        void close();
    }
}
