package org.fleetj.fleetd.systemd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.freedesktop.dbus.DBusAsyncReply;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Peer;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.constants.MessageTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SystemdManager} over D-Bus (dbus-java, native unix-socket transport).
 *
 * <p>State changes: after {@code Subscribe()} systemd broadcasts PropertiesChanged for units and
 * JobRemoved/UnitNew/UnitRemoved/Reloading from the manager. One match rule (signals under
 * {@code /org/freedesktop/systemd1}) brings them here; each one that concerns a watched unit marks it
 * for a re-read, and the {@link UnitStatusTracker} delivers what changed.
 */
public final class DbusSystemdManager implements SystemdManager {
    private static final Logger LOG = LoggerFactory.getLogger(DbusSystemdManager.class);

    private static final String PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties";
    private static final String UNIT_INTERFACE = "org.freedesktop.systemd1.Unit";
    private static final String SERVICE_INTERFACE = "org.freedesktop.systemd1.Service";
    private static final String UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod";

    private final UnitFileStore files;
    private final UnitStatusTracker tracker;
    private final ReconnectingBus bus;
    private static final long CALL_TIMEOUT_MS = 30_000;

    private volatile boolean listUnitsByNamesMissing;

    private DbusSystemdManager(SystemdSettings settings, Consumer<BusConnectionEvent> connectionEvents) {
        this.files = new UnitFileStore(settings.unitsDirectory(), settings.hostRoot());
        this.tracker = new UnitStatusTracker(this::readStates, "systemd-unit-status");
        this.bus = new ReconnectingBus(settings.bus(), settings.reconnectInitialDelay(), settings.reconnectMaxDelay(),
                this::prepareSession, event -> {
                    if (event.kind() == BusConnectionEvent.Kind.RECONNECTED) {
                        // whatever happened while we were deaf is re-read and delivered
                        tracker.hintAll();
                    }
                    connectionEvents.accept(event);
                });
    }

    /**
     * Connects to systemd as configured and subscribes to its signals.
     *
     * @throws SystemdUnavailableException naming the bus if the first connection fails
     */
    public static DbusSystemdManager connect(SystemdSettings settings) {
        return connect(settings, event -> { });
    }

    /** As {@link #connect(SystemdSettings)}, reporting connection loss and recovery to {@code connectionEvents}. */
    public static DbusSystemdManager connect(SystemdSettings settings, Consumer<BusConnectionEvent> connectionEvents) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(connectionEvents, "connectionEvents");
        DbusSystemdManager m = new DbusSystemdManager(settings, connectionEvents);
        try {
            m.bus.open();
        } catch (RuntimeException e) {
            m.tracker.close();
            m.bus.close();
            throw e;
        }
        return m;
    }

    /** Where unit files are written and how systemd sees them. */
    public UnitFileStore unitFiles() {
        return files;
    }

    @Override
    public void writeUnitFile(String name, String contents) {
        files.write(name, contents);
        LOG.info("wrote unit file {}", files.systemdPath(name));
    }

    @Override
    public Map<String, String> unitFilesOnDisk() {
        return files.list();
    }

    @Override
    public boolean removeUnitFile(String name) {
        boolean removed = files.remove(name);
        if (removed) {
            LOG.info("removed unit file {}", files.systemdPath(name));
        }
        return removed;
    }

    @Override
    public void linkUnit(String name) {
        String path = files.systemdPath(name).toString();
        List<UnitFileChange> changes = call("LinkUnitFiles", name, List.of(path), true, true);
        LOG.info("linked {}: {}", name, describe(changes));
    }

    @Override
    public boolean enableUnit(String name) {
        String path = files.systemdPath(name).toString();
        EnableUnitFilesReply<Boolean, List<UnitFileChange>> reply =
                call("EnableUnitFiles", name, List.of(path), true, true);
        LOG.info("enabled {}: {}", name, describe(reply.getChanges()));
        return reply.getCarriesInstallInfo();
    }

    @Override
    public void disableUnit(String name) {
        UnitNames.requireValid(name);
        try {
            List<UnitFileChange> changes = call("DisableUnitFiles", name, List.of(name), true);
            LOG.info("disabled {}: {}", name, describe(changes));
        } catch (SystemdException e) {
            // "Unit file x does not exist": no link is left (an earlier unload removed it and its reply was lost, or an
            // operator disabled the unit), which is what disabling is for
            if (e.dbusErrorName().filter(NO_SUCH_UNIT::equals).isEmpty()) throw e;
            LOG.debug("disable of {}: systemd has no unit file of that name, nothing to disable", name);
        }
    }

    @Override
    public void reload() {
        call("Reload", "");
        LOG.info("systemd daemon-reload done");
    }

    @Override
    public String startUnit(String name) {
        UnitNames.requireValid(name);
        DBusPath job = call("StartUnit", name, name, "replace");
        LOG.info("start of {} queued as {}", name, job.getPath());
        return job.getPath();
    }

    @Override
    public Map<String, RuntimeException> startUnits(List<String> names) {
        return pipelined(names, "StartUnit", name -> new Object[] {name, "replace"},
                (name, job) -> LOG.info("start of {} queued as {}", name, ((DBusPath) job).getPath()));
    }

    @Override
    public Map<String, RuntimeException> linkUnits(List<String> names) {
        return pipelined(names, "LinkUnitFiles", name -> new Object[] {List.of(files.systemdPath(name).toString()), true, true},
                (name, changes) -> LOG.info("linked {}: {}", name, describe(castChanges(changes))));
    }

    @SuppressWarnings("unchecked")
    private static List<UnitFileChange> castChanges(Object changes) {
        return (List<UnitFileChange>) changes;
    }

    /** One Manager call per unit, pipelined ({@link PipelinedCalls}); what failed, by unit, in the order of {@code names}. */
    private Map<String, RuntimeException> pipelined(List<String> names, String member, java.util.function.Function<String, Object[]> args,
                                                    java.util.function.BiConsumer<String, Object> onReply) {
        return PipelinedCalls.each(names, name -> {
            UnitNames.requireValid(name);
            return send(member, name, args.apply(name));
        }, this::receive, onReply);
    }

    @Override
    public String stopUnit(String name) {
        UnitNames.requireValid(name);
        try {
            DBusPath job = call("StopUnit", name, name, "replace");
            LOG.info("stop of {} queued as {}", name, job.getPath());
            return job.getPath();
        } catch (SystemdException e) {
            if (e.dbusErrorName().filter(NO_SUCH_UNIT::equals).isPresent()) {
                LOG.debug("stop of {}: systemd does not know it, nothing to stop", name);
                return "";
            }
            throw e;
        }
    }

    @Override
    public void resetFailed(String name) {
        UnitNames.requireValid(name);
        try {
            call("ResetFailedUnit", name, name);
        } catch (SystemdException e) {
            if (e.dbusErrorName().filter(NO_SUCH_UNIT::equals).isEmpty()) {
                throw e;
            }
            // "Unit x not loaded": nothing to reset, which is what we wanted
        }
    }

    @Override
    public Map<String, SystemdUnitStatus> unitStates(Collection<String> names) {
        List<String> wanted = List.copyOf(new java.util.LinkedHashSet<>(names));
        wanted.forEach(UnitNames::requireValid);
        if (wanted.isEmpty()) {
            return Map.of();
        }
        return readStates(wanted);
    }

    @Override
    public Map<String, SystemdUnitStatus> heldUnitStates(Collection<String> names) {
        List<String> wanted = List.copyOf(new java.util.LinkedHashSet<>(names));
        wanted.forEach(UnitNames::requireValid);
        List<String> held = new ArrayList<>();
        // GetUnit answers from systemd's memory, NoSuchUnit for a unit it does not hold: it loads nothing
        Map<String, RuntimeException> failed = pipelined(wanted, "GetUnit", name -> new Object[] {name}, (name, path) -> held.add(name));
        for (RuntimeException e : failed.values()) {
            if (!(e instanceof SystemdException se && se.dbusErrorName().filter(NO_SUCH_UNIT::equals).isPresent())) throw e;
        }
        return held.isEmpty() ? Map.of() : readStates(held);
    }

    private Map<String, SystemdUnitStatus> readStates(Collection<String> names) {
        List<String> wanted = List.copyOf(names);
        if (!listUnitsByNamesMissing) {
            try {
                List<UnitListEntry> entries = call("ListUnitsByNames", String.join(",", wanted), wanted);
                return byRequestedName(wanted, entries);
            } catch (SystemdException e) {
                if (e.dbusErrorName().filter(UNKNOWN_METHOD::equals).isEmpty()) {
                    throw e;
                }
                LOG.info("systemd has no ListUnitsByNames (older than 230); using ListUnits");
                listUnitsByNamesMissing = true;
            }
        }
        List<UnitListEntry> all = call("ListUnits", "");
        return byRequestedName(wanted, all);
    }

    /**
     * ListUnitsByNames answers in request order, one entry per name, under the unit's real id (which
     * differs for an alias); ListUnits lists only loaded units. Both are mapped back to the requested
     * names, and a name without an entry is not-found.
     */
    private static Map<String, SystemdUnitStatus> byRequestedName(List<String> wanted, List<UnitListEntry> entries) {
        Map<String, UnitListEntry> byName = new LinkedHashMap<>();
        for (UnitListEntry e : entries) {
            byName.put(e.getName(), e);
        }
        boolean positional = entries.size() == wanted.size();
        Map<String, SystemdUnitStatus> out = new LinkedHashMap<>();
        for (int i = 0; i < wanted.size(); i++) {
            String name = wanted.get(i);
            UnitListEntry e = byName.get(name);
            if (e == null && positional) {
                e = entries.get(i);
            }
            out.put(name, e == null ? SystemdUnitStatus.notFound(name) : e.toStatus(name));
        }
        return out;
    }

    /** How many status reads signals have caused so far (to check that nothing makes it spin). */
    long statusReads() {
        return tracker.reads();
    }

    @Override
    public StatusSubscription subscribe(Consumer<SystemdUnitStatus> listener) {
        return tracker.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void watch(Collection<String> names) {
        tracker.watch(names);
    }

    @Override
    public UnitRun lastRun(String name) {
        UnitNames.requireValid(name);
        DBusConnection c = bus.current();
        try {
            org.freedesktop.dbus.interfaces.Properties p = c.getRemoteObject(Systemd1Manager.BUS_NAME,
                    UnitNames.objectPath(name), org.freedesktop.dbus.interfaces.Properties.class);
            Map<String, org.freedesktop.dbus.types.Variant<?>> unit = p.GetAll(UNIT_INTERFACE);
            Map<String, org.freedesktop.dbus.types.Variant<?>> service = name.endsWith(".service")
                    ? p.GetAll(SERVICE_INTERFACE) : Map.of();
            String active = text(unit, "ActiveState");
            String sub = text(unit, "SubState");
            java.util.Optional<java.time.Instant> started = timestamp(unit, "InactiveExitTimestamp");
            java.util.Optional<java.time.Instant> ended = "active".equals(active)
                    ? timestamp(service, "ExecMainExitTimestamp") : timestamp(unit, "InactiveEnterTimestamp");
            return new UnitRun(name, active, sub, started, ended, text(service, "Result"),
                    UnitRun.exitCodeName(number(service, "ExecMainCode")), number(service, "ExecMainStatus"));
        } catch (DBusException | DBusExecutionException e) {
            if (!c.isConnected()) {
                throw new SystemdUnavailableException("reading the last run of " + name + ": lost the connection to systemd over the "
                        + bus.describe() + " (reconnecting)", e);
            }
            throw new SystemdException(null, "reading the last run of " + name + " on systemd over the " + bus.describe()
                    + " failed: " + ReconnectingBus.causeText(e), e);
        }
    }

    @Override
    public void keepLastRun(String name) {
        UnitNames.requireValid(name);
        DBusConnection c = bus.current();
        try {
            c.getRemoteObject(Systemd1Manager.BUS_NAME, UnitNames.objectPath(name), Systemd1Unit.class).Ref();
            LOG.debug("pinned {} in systemd's memory (Unit.Ref)", name);
        } catch (DBusException | DBusExecutionException e) {
            if (!c.isConnected()) {
                throw new SystemdUnavailableException("Ref(" + name + "): lost the connection to systemd over the "
                        + bus.describe() + " (reconnecting)", e);
            }
            throw new SystemdException(null, "Ref(" + name + ") on systemd over the " + bus.describe() + " failed: "
                    + ReconnectingBus.causeText(e), e);
        }
    }

    private static String text(Map<String, org.freedesktop.dbus.types.Variant<?>> props, String key) {
        org.freedesktop.dbus.types.Variant<?> v = props.get(key);
        return v == null ? "" : String.valueOf(v.getValue());
    }

    private static int number(Map<String, org.freedesktop.dbus.types.Variant<?>> props, String key) {
        org.freedesktop.dbus.types.Variant<?> v = props.get(key);
        return v != null && v.getValue() instanceof Number n ? n.intValue() : 0;
    }

    /** systemd's timestamps are microseconds since the epoch; 0 means "never". */
    private static java.util.Optional<java.time.Instant> timestamp(Map<String, org.freedesktop.dbus.types.Variant<?>> props, String key) {
        org.freedesktop.dbus.types.Variant<?> v = props.get(key);
        if (v == null || !(v.getValue() instanceof Number n) || n.longValue() == 0) return java.util.Optional.empty();
        long micros = n.longValue();
        return java.util.Optional.of(java.time.Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000));
    }

    @Override
    public String machineId() {
        DBusConnection c = bus.current();
        try {
            return c.getRemoteObject(Systemd1Manager.BUS_NAME, Systemd1Manager.OBJECT_PATH, Peer.class).GetMachineId();
        } catch (DBusException e) {
            throw new SystemdException(null, "GetMachineId on systemd over the " + bus.describe() + " failed: "
                    + ReconnectingBus.causeText(e), e);
        } catch (DBusExecutionException e) {
            throw new SystemdException(null, "GetMachineId on systemd over the " + bus.describe() + " failed: "
                    + ReconnectingBus.causeText(e), e);
        }
    }

    @Override
    public void close() {
        tracker.close();
        bus.close();
    }

    /** Runs on every (re)connect, before the connection is handed out. */
    private void prepareSession(DBusConnection c) throws DBusException {
        c.addGenericSigHandler(DBusMatchRuleBuilder.create()
                .withType(MessageTypes.SIGNAL)
                .withPathNamespace(Systemd1Manager.OBJECT_PATH)
                .build(), this::onSignal);
        manager(c).Subscribe();
    }

    private void onSignal(DBusSignal s) {
        try {
            String iface = s.getInterface();
            String member = s.getName();
            if (PROPERTIES_INTERFACE.equals(iface) && "PropertiesChanged".equals(member)) {
                Object[] args = s.getParameters();
                // the Unit interface carries ActiveState/SubState; Service/Socket/... changes come with it
                if (args.length > 0 && UNIT_INTERFACE.equals(args[0])) {
                    tracker.hintObjectPath(s.getPath());
                }
            } else if (Systemd1Manager.INTERFACE.equals(iface)) {
                switch (member) {
                    case "JobRemoved" -> tracker.hintJobEnded((String) s.getParameters()[2]);
                    case "UnitNew" -> tracker.hintLoadedIntoMemory((String) s.getParameters()[0]);
                    // UnitRemoved: systemd dropped an inactive, unreferenced unit from memory (garbage
                    // collection). None of its states changed, and reading them would load it again (UnitNew),
                    // to be collected again: that loop made every loaded-but-inactive unit cost ~750 signals
                    // and ~260 reads a second. Real changes come with PropertiesChanged/JobRemoved/Reloading.
                    case "UnitRemoved" -> { }
                    case "Reloading" -> {
                        if (Boolean.FALSE.equals(s.getParameters()[0])) {
                            tracker.hintAll();
                        }
                    }
                    default -> {
                        // JobNew, StartupFinished, UnitFilesChanged: nothing a watched state depends on
                    }
                }
            }
        } catch (DBusException | RuntimeException e) {
            LOG.warn("cannot decode systemd signal {}.{} on {}: {}", s.getInterface(), s.getName(), s.getPath(),
                    e.toString());
        }
    }

    /**
     * Calls a Manager method and waits for the reply. Goes through the async API because dbus-java's
     * synchronous proxies drop the D-Bus error name of errors it has no Java class for (all of
     * systemd's), and callers need it (NoSuchUnit, UnknownMethod).
     */
    private <T> T call(String member, String unit, Object... args) {
        return receive(send(member, unit, args));
    }

    /** A Manager method call sent and not answered yet. */
    private record PendingCall(String what, DBusConnection connection, DBusAsyncReply<?> reply) {
    }

    private PendingCall send(String member, String unit, Object... args) {
        String what = unit.isEmpty() ? member : member + "(" + unit + ")";
        DBusConnection c = bus.current();
        try {
            return new PendingCall(what, c, c.callMethodAsync(manager(c), member, args));
        } catch (DBusException | DBusExecutionException e) {
            throw failure(what, c, e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T receive(PendingCall call) {
        String what = call.what();
        DBusConnection c = call.connection();
        DBusAsyncReply<?> async = call.reply();
        try {
            Message reply = async.getCall().getReply(CALL_TIMEOUT_MS);
            if (reply == null) {
                throw new SystemdException(null, what + " on systemd over the " + bus.describe()
                        + ": no reply within " + CALL_TIMEOUT_MS / 1000 + " s", null);
            }
            if (reply instanceof org.freedesktop.dbus.messages.Error error) {
                throw new SystemdException(error.getName(), what + " on systemd over the " + bus.describe()
                        + " failed: " + errorText(error) + " [" + error.getName() + "]", null);
            }
            if (reply.getSig() == null || reply.getSig().isEmpty()) {
                return null; // void method; DBusAsyncReply would report "no reply" for an empty body
            }
            return (T) async.getReply();
        } catch (DBusException | DBusExecutionException e) {
            throw failure(what, c, e);
        }
    }

    private SystemdException failure(String what, DBusConnection c, Exception e) {
        if (!c.isConnected()) {
            return new SystemdUnavailableException(what + ": lost the connection to systemd over the "
                    + bus.describe() + " (reconnecting)", e);
        }
        return new SystemdException(null, what + " on systemd over the " + bus.describe() + " failed: "
                + ReconnectingBus.causeText(e), e);
    }

    private static String errorText(org.freedesktop.dbus.messages.Error error) {
        try {
            Object[] params = error.getParameters();
            return params != null && params.length > 0 ? String.valueOf(params[0]) : "(no message)";
        } catch (DBusException e) {
            return "(undecodable error message)";
        }
    }

    private static String describe(List<UnitFileChange> changes) {
        return changes.isEmpty() ? "no changes" : String.join("; ", changes.stream().map(UnitFileChange::describe).toList());
    }

    private static Systemd1Manager manager(DBusConnection c) throws DBusException {
        return c.getRemoteObject(Systemd1Manager.BUS_NAME, Systemd1Manager.OBJECT_PATH, Systemd1Manager.class);
    }
}
