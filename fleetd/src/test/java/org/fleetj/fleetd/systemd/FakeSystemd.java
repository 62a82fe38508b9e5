package org.fleetj.fleetd.systemd;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * An in-memory {@link SystemdManager} for fast tests of the agent (and for machines of the simulated cluster
 * and the scale benchmark): a units directory, what systemd has loaded, and each unit's states, with the
 * behaviours the agent depends on modelled after systemd's:
 * <ul>
 *   <li>a unit file becomes systemd's definition at {@link #reload()}, or when a unit systemd reports
 *       not-found is referenced (systemd ≥ 247 looks again), so a deleted file stays "loaded" until a reload;</li>
 *   <li>starting a unit without a definition fails with {@code NoSuchUnit}; a {@code .service} file without a
 *       {@code [Service]} section is refused ({@code bad-setting}), as systemd refuses it;</li>
 *   <li>status changes of watched units are delivered once each, in order, on one thread of its own; newly
 *       watched units are delivered once; after {@link #reconnect()} every watched unit is delivered again.</li>
 * </ul>
 * Runs, for one-shot jobs: {@link #exit(String, int)} ends a running unit's main process, {@link #exitOnStart(String, int)}
 * makes a unit run and end within its start (a quick oneshot: its states look the same before and after, and it is
 * delivered all the same, as a JobRemoved signal makes the real one deliver it); {@link #lastRun} reports it.
 * Faults: {@link #disconnect()} (every call fails with {@link SystemdUnavailableException}),
 * {@link #failOnStart(String)}, {@link #freeze()} (a stuck systemd: calls block until {@link #thaw()}),
 * and an operator's {@link #deleteUnitFileBehindTheAgent(String)} or {@link #unlinkBehindTheAgent(String)}. Thread-safe.
 */
public final class FakeSystemd implements SystemdManager {
    public static final String NO_SUCH_UNIT = SystemdManager.NO_SUCH_UNIT;
    public static final String BAD_SETTING = "org.freedesktop.systemd1.BadUnitSetting";

    /** One unit's load/active/sub state. */
    public record State(String load, String active, String sub) {
        public static final State LOADED = new State("loaded", "inactive", "dead");
        public static final State RUNNING = new State("loaded", "active", "running");
        public static final State FAILED = new State("loaded", "failed", "failed");
    }

    private final String machineId;
    private final Object lock = new Object();
    // guarded by lock
    private final Map<String, String> files = new TreeMap<>();
    private final Map<String, String> definitions = new HashMap<>();
    private final Set<String> linked = new HashSet<>();
    private final Set<String> enabled = new HashSet<>();
    private final Map<String, String> activeStates = new HashMap<>();
    private final Map<String, Integer> starts = new HashMap<>();
    private final Map<String, Integer> startAttempts = new HashMap<>();
    private final Set<String> failOnStart = new HashSet<>();
    private final Map<String, Integer> exitOnStart = new HashMap<>();
    private final Map<String, UnitRun> runs = new HashMap<>();
    private final Set<String> watched = new HashSet<>();
    private final Map<String, SystemdUnitStatus> delivered = new HashMap<>();
    private boolean connected = true;
    private boolean frozen;
    private int stuckCalls;
    private int reloads;

    private final List<Consumer<SystemdUnitStatus>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery;

    public FakeSystemd(String machineId) {
        this.machineId = machineId;
        this.delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fake-systemd-" + machineId.substring(0, Math.min(8, machineId.length())));
            t.setDaemon(true);
            return t;
        });
    }

    // ---- SystemdManager ----------------------------------------------------------------------

    @Override
    public void writeUnitFile(String name, String contents) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("write " + name);
            files.put(name, contents);
        }
    }

    @Override
    public Map<String, String> unitFilesOnDisk() {
        synchronized (lock) {
            enter("list units directory");
            return new TreeMap<>(files);
        }
    }

    @Override
    public boolean removeUnitFile(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("remove " + name);
            return files.remove(name) != null;
        }
    }

    @Override
    public void linkUnit(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("LinkUnitFiles(" + name + ")");
            if (!files.containsKey(name)) throw new SystemdException(null, "LinkUnitFiles(" + name + "): no such file", null);
            linked.add(name);
        }
    }

    @Override
    public boolean enableUnit(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("EnableUnitFiles(" + name + ")");
            enabled.add(name);
            return files.getOrDefault(name, "").contains("[Install]");
        }
    }

    @Override
    public void disableUnit(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("DisableUnitFiles(" + name + ")");
            enabled.remove(name);
            linked.remove(name);
        }
    }

    @Override
    public void reload() {
        synchronized (lock) {
            enter("Reload");
            reloads++;
            definitions.clear();
            for (String name : linked) {
                String text = files.get(name);
                if (text != null) definitions.put(name, text);
            }
            // a unit without a definition any more keeps running only if it runs; its load state changes
            changedAll();
        }
    }

    @Override
    public String startUnit(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("StartUnit(" + name + ")");
            startAttempts.merge(name, 1, Integer::sum);
            lookAgainIfNotFound(name);
            String def = definitions.get(name);
            if (def == null) {
                throw new SystemdException(NO_SUCH_UNIT, "StartUnit(" + name + ") failed: Unit " + name + " not found. [" + NO_SUCH_UNIT + "]", null);
            }
            if (refused(name, def)) {
                throw new SystemdException(BAD_SETTING, "StartUnit(" + name + ") failed: Unit " + name
                        + " has a bad unit file setting. [" + BAD_SETTING + "]", null);
            }
            starts.merge(name, 1, Integer::sum);
            activeStates.put(name, failOnStart.contains(name) ? "failed" : "active");
            java.time.Instant now = java.time.Instant.now();
            runs.put(name, new UnitRun(name, "active", "running", java.util.Optional.of(now), java.util.Optional.empty(), "success", "", 0));
            if (failOnStart.contains(name)) ended(name, "exit-code", "exited", 1);
            Integer quickExit = exitOnStart.get(name);
            if (quickExit != null) {
                ended(name, quickExit == 0 ? "success" : "exit-code", "exited", quickExit);
                changed(name, true);
            } else {
                changed(name);
            }
            return "/org/freedesktop/systemd1/job/" + starts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Override
    public String stopUnit(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("StopUnit(" + name + ")");
            if (!definitions.containsKey(name) && !activeStates.containsKey(name)) return "";
            if ("active".equals(activeStates.get(name))) ended(name, "success", "killed", 15);
            activeStates.remove(name);
            changed(name);
            return "/org/freedesktop/systemd1/job/stop";
        }
    }

    @Override
    public void resetFailed(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("ResetFailedUnit(" + name + ")");
            // a unit without a file that does not run is forgotten (garbage-collected), its last run with it
            if (!files.containsKey(name) && !"active".equals(activeStates.get(name))) runs.remove(name);
            if ("failed".equals(activeStates.get(name))) {
                activeStates.remove(name);
                changed(name);
            }
        }
    }

    @Override
    public Map<String, SystemdUnitStatus> unitStates(Collection<String> names) {
        names.forEach(UnitNames::requireValid);
        synchronized (lock) {
            enter("ListUnitsByNames");
            Map<String, SystemdUnitStatus> out = new LinkedHashMap<>();
            for (String n : names) {
                lookAgainIfNotFound(n);
                out.put(n, status(n));
            }
            return out;
        }
    }

    @Override
    public StatusSubscription subscribe(Consumer<SystemdUnitStatus> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void watch(Collection<String> names) {
        names.forEach(UnitNames::requireValid);
        synchronized (lock) {
            Set<String> next = new HashSet<>(names);
            Set<String> added = new HashSet<>(next);
            added.removeAll(watched);
            watched.clear();
            watched.addAll(next);
            delivered.keySet().retainAll(next);
            if (connected) added.forEach(this::changed);
        }
    }

    @Override
    public UnitRun lastRun(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("GetAll(" + name + ")");
            SystemdUnitStatus s = status(name);
            UnitRun r = runs.get(name);
            if (r == null) return new UnitRun(name, s.activeState(), s.subState(), java.util.Optional.empty(), java.util.Optional.empty(), "success", "", 0);
            return new UnitRun(name, s.activeState(), s.subState(), r.startedAt(), r.endedAt(), r.result(), r.exitCode(), r.exitStatus());
        }
    }

    /** Nothing to do: this fake never forgets a unit's last run (systemd would, without the pin). */
    @Override
    public void keepLastRun(String name) {
        UnitNames.requireValid(name);
        synchronized (lock) {
            enter("Ref(" + name + ")");
        }
    }

    @Override
    public String machineId() {
        synchronized (lock) {
            enter("GetMachineId");
            return machineId;
        }
    }

    @Override
    public void close() {
        delivery.shutdownNow();
    }

    // ---- what tests observe and do -----------------------------------------------------------

    /** The units directory: name → contents. */
    public Map<String, String> files() {
        synchronized (lock) {
            return Map.copyOf(files);
        }
    }

    /** What systemd reports for the unit now. */
    public State state(String name) {
        synchronized (lock) {
            SystemdUnitStatus s = status(name);
            return new State(s.loadState(), s.activeState(), s.subState());
        }
    }

    /** Every unit systemd has a definition or a state for (what runs on this machine), with its state. */
    public Map<String, State> units() {
        synchronized (lock) {
            Set<String> names = new HashSet<>(definitions.keySet());
            names.addAll(activeStates.keySet());
            Map<String, State> out = new TreeMap<>();
            for (String n : names) out.put(n, state(n));
            return out;
        }
    }

    /** How many times the unit was started. */
    public int starts(String name) {
        synchronized (lock) {
            return starts.getOrDefault(name, 0);
        }
    }

    /** How many times starting the unit was asked for, refused or not. */
    public int startAttempts(String name) {
        synchronized (lock) {
            return startAttempts.getOrDefault(name, 0);
        }
    }

    /** daemon-reloads so far. */
    public int reloads() {
        synchronized (lock) {
            return reloads;
        }
    }

    /** From now on starting {@code name} succeeds but the unit then fails (its process exits non-zero). */
    public void failOnStart(String name) {
        synchronized (lock) {
            failOnStart.add(name);
        }
    }

    /** The running unit's main process exits with {@code status}: active → inactive (0) or failed. */
    public void exit(String name, int status) {
        synchronized (lock) {
            if ("active".equals(activeStates.get(name))) {
                activeStates.put(name, status == 0 ? "inactive" : "failed");
                ended(name, status == 0 ? "success" : "exit-code", "exited", status);
                changed(name, true);
            }
        }
    }

    /** From now on {@code name} runs and exits with {@code status} within its start, as a quick oneshot does. */
    public void exitOnStart(String name, int status) {
        synchronized (lock) {
            exitOnStart.put(name, status);
        }
    }

    /** The unit's main process dies: active → failed. */
    public void kill(String name) {
        synchronized (lock) {
            if ("active".equals(activeStates.get(name))) {
                ended(name, "signal", "killed", 9);
                activeStates.put(name, "failed");
                changed(name);
            }
        }
    }

    /** An operator (or a cleanup job) deletes the agent's unit file; systemd keeps its definition until a reload. */
    public void deleteUnitFileBehindTheAgent(String name) {
        synchronized (lock) {
            files.remove(name);
        }
    }

    /**
     * The agent's link into systemd's search path goes, its file stays: an unload whose DisableUnitFiles systemd carried
     * out but whose reply never reached a fleetd that was then restarted, or an operator's {@code systemctl disable}.
     * systemd keeps its definition until a reload.
     */
    public void unlinkBehindTheAgent(String name) {
        synchronized (lock) {
            linked.remove(name);
            enabled.remove(name);
        }
    }

    /** The bus connection is lost: every call fails with {@link SystemdUnavailableException}, no signal arrives. */
    public void disconnect() {
        synchronized (lock) {
            connected = false;
        }
    }

    /** The bus is back: every watched unit is read again and delivered if it changed (as DbusSystemdManager does). */
    public void reconnect() {
        synchronized (lock) {
            connected = true;
            changedAll();
            lock.notifyAll();
        }
    }

    /** A stuck systemd: every call blocks until {@link #thaw()}. */
    public void freeze() {
        synchronized (lock) {
            frozen = true;
        }
    }

    /** Calls waiting in a frozen systemd right now: a test sees that the agent tried to act, without a sleep. */
    public int stuckCalls() {
        synchronized (lock) {
            return stuckCalls;
        }
    }

    public void thaw() {
        synchronized (lock) {
            frozen = false;
            lock.notifyAll();
        }
    }

    // ---- internals (lock held) ---------------------------------------------------------------

    private void enter(String what) {
        while (frozen) {
            stuckCalls++;
            try {
                lock.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SystemdUnavailableException(what + ": interrupted while systemd was stuck", e);
            } finally {
                stuckCalls--;
            }
        }
        if (!connected) {
            throw new SystemdUnavailableException(what + ": lost the connection to systemd (reconnecting)", null);
        }
    }

    /** systemd ≥ 247 looks for the file again when a unit it reported not-found is referenced. */
    private void lookAgainIfNotFound(String name) {
        if (!definitions.containsKey(name) && linked.contains(name) && files.containsKey(name)) {
            definitions.put(name, files.get(name));
        }
    }

    private static boolean refused(String name, String definition) {
        return name.endsWith(".service") && !definition.contains("[Service]");
    }

    private SystemdUnitStatus status(String name) {
        String def = definitions.get(name);
        String active = activeStates.getOrDefault(name, "inactive");
        String sub = switch (active) {
            case "active" -> "running";
            case "failed" -> "failed";
            default -> "dead";
        };
        if (def == null) return new SystemdUnitStatus(name, SystemdUnitStatus.LOAD_NOT_FOUND, active, sub);
        return new SystemdUnitStatus(name, refused(name, def) ? "bad-setting" : "loaded", active, sub);
    }

    /** The current run ends: its state follows activeStates; systemd records how and when. */
    private void ended(String name, String result, String exitCode, int status) {
        UnitRun r = runs.get(name);
        if (r == null) return;
        activeStates.put(name, "success".equals(result) ? "inactive" : "failed");
        runs.put(name, new UnitRun(name, activeStates.get(name), "", r.startedAt(), java.util.Optional.of(java.time.Instant.now()),
                result, exitCode, status));
    }

    private void changedAll() {
        for (String n : watched) changed(n);
    }

    private void changed(String name) {
        changed(name, false);
    }

    /** {@code jobEnded}: delivered even when the states look the same (systemd's JobRemoved). */
    private void changed(String name, boolean jobEnded) {
        if (!connected || !watched.contains(name)) return;
        SystemdUnitStatus now = status(name);
        if (now.sameStateAs(delivered.get(name)) && !jobEnded) return;
        delivered.put(name, now);
        try {
            delivery.execute(() -> listeners.forEach(l -> l.accept(now)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }
}
