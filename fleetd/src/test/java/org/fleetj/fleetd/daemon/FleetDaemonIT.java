package org.fleetj.fleetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.fleetj.fleetd.MachineIdentity;
import org.fleetj.fleetd.config.ConfigLoader;
import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.fleetd.systemd.BusTarget;
import org.fleetj.fleetd.systemd.DbusSystemdManager;
import org.fleetj.fleetd.systemd.NamespaceMachine;
import org.fleetj.fleetd.systemd.SystemdSettings;
import org.fleetj.registry.Registry;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A whole fleetd (API, agent, engine) in-process, driving a real systemd machine (namespaces, systemd as PID 1)
 * over D-Bus, with the in-memory registry as the cluster: what the registry asks for is checked with that
 * machine's own systemctl. The etcd-backed cluster tests repeat the important paths across real machines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetDaemonIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    /** The presence lease the test daemons run with ({@code --agent_ttl}). */
    private static final Duration AGENT_TTL = Duration.ofSeconds(5);
    /** The engine's safety pass the test daemons run with ({@code --engine_reconcile_interval}). */
    private static final Duration ENGINE_RECONCILE_INTERVAL = Duration.ofMillis(500);
    /**
     * After a fleetd restart the new agent's recovery pass is awaited (its reconcile counter); what else could act
     * wrongly is the new engine, which passes every {@link #ENGINE_RECONCILE_INTERVAL}: two of them must change nothing.
     */
    private static final Duration RESTART_ACTION_WINDOW = ENGINE_RECONCILE_INTERVAL.multipliedBy(2);
    /**
     * A registry outage must stop nothing for longer than the presence lease: past {@link #AGENT_TTL} without
     * etcd, fleet v1.0's agent gave up its units; ours keeps them.
     */
    private static final Duration OUTAGE_WINDOW = AGENT_TTL.plus(ENGINE_RECONCILE_INTERVAL);
    private static final String HELLO = "[Unit]\nDescription=Hello loop\n\n[Service]\n"
            + "ExecStart=/bin/sh -c \"trap 'exit 0' INT TERM; while true; do echo Hello World; sleep 1; done\"\n";

    private NamespaceMachine machine;
    private InMemoryRegistry store;
    private Path scratch;
    private FleetDaemon daemon;

    @BeforeAll
    void bootMachine() throws Exception {
        machine = NamespaceMachine.boot(Path.of("target", "daemon-it"), Duration.ofSeconds(30));
        scratch = Files.createDirectories(Path.of("target", "daemon-it", machine.name() + "-host").toAbsolutePath());
        Files.writeString(scratch.resolve("fleet.conf"), "# all settings of this test are flags\n");
    }

    @AfterAll
    void shutDown() {
        if (machine != null) machine.close();
    }

    @BeforeEach
    void startDaemon() throws Exception {
        store = new InMemoryRegistry();
        daemon = newDaemon("role=it,zone=a");
        daemon.start();
    }

    @AfterEach
    void stopDaemon() throws Exception {
        if (daemon != null) daemon.close();
        for (var job : store.jobs()) store.destroyJob(job.name());
        // leave the machine clean for the next test: what the agent left is unloaded by hand
        machine.shAnyExit("for f in /run/fleet/units/*; do [ -e \"$f\" ] || continue; u=$(basename \"$f\"); "
                + "systemctl stop \"$u\"; systemctl disable --runtime \"$u\"; rm -f \"$f\"; done; systemctl daemon-reload; systemctl reset-failed");
        store.close();
    }

    private FleetDaemon newDaemon(String metadata) throws Exception {
        FleetConfig config = new ConfigLoader().load(List.of(
                "--config", scratch.resolve("fleet.conf").toString(),
                "--api_socket", scratch.resolve("fleet-" + System.nanoTime() + ".sock").toString(),
                "--public_ip", "10.99.0.7",
                "--metadata", metadata,
                "--agent_ttl", AGENT_TTL.toSeconds() + "s",
                "--engine_reconcile_interval", String.valueOf(ENGINE_RECONCILE_INTERVAL.toMillis() / 1000.0)), Map.of());
        SystemdSettings settings = SystemdSettings.forFleetConfig(false, config.unitsDirectory())
                .withBus(BusTarget.address(machine.busAddress()))
                .withHostRoot(machine.root());
        return new FleetDaemon(config, new MachineIdentity(machine.machineId(), machine.name()),
                c -> unclosable(store), c -> DbusSystemdManager.connect(settings));
    }

    /** The daemon closes its registry client on shutdown; the in-memory store must outlive a fleetd restart. */
    private static Registry unclosable(Registry r) {
        return (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[]{Registry.class}, (p, m, args) -> {
            if (m.getName().equals("close") && m.getParameterCount() == 0) return null;
            try {
                return m.invoke(r, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void aLaunchedUnitRunsUnderSystemdAndItsStateIsPublished() throws Exception {
        store.createJob("hello.service", UnitFile.parse(HELLO), TargetState.LAUNCHED);
        await("hello.service active in the machine's systemd", () -> isActive("hello.service"));
        UnitState s = awaitState("hello.service", st -> st.activeState().equals("active") && st.applied() == TargetState.LAUNCHED);
        assertEquals("running", s.subState());
        assertEquals("loaded", s.loadState());
        assertEquals(UnitFile.parse(HELLO).hash().hex(), s.unitHash());
        assertEquals(machine.machineId(), s.machineId());
        assertEquals("644", machine.sh("stat -c %a /run/fleet/units/hello.service"));
        assertTrue(waitForJournal("hello.service"), "Hello World in the journal of hello.service");

        store.setDesiredState("hello.service", TargetState.LOADED);
        await("hello.service stopped", () -> !isActive("hello.service"));
        awaitState("hello.service", st -> st.activeState().equals("inactive") && st.applied() == TargetState.LOADED);
        assertEquals("loaded", machine.shAnyExit("systemctl show -p LoadState --value hello.service"));

        store.setDesiredState("hello.service", TargetState.INACTIVE);
        await("hello.service unloaded", () -> loadState("hello.service").equals("not-found"));
        assertFalse(Files.exists(machine.root().resolve("run/fleet/units/hello.service")));
        await("state of hello.service removed", () -> state("hello.service").isEmpty());
    }

    @Test
    void restartingFleetdRestartsNoUnit() throws Exception {
        store.createJob("steady.service", UnitFile.parse(HELLO.replace("Hello loop", "Steady")), TargetState.LAUNCHED);
        await("steady.service active", () -> isActive("steady.service"));
        String before = machine.sh("systemctl show -p MainPID,ActiveEnterTimestampMonotonic,NRestarts steady.service");

        daemon.close();
        daemon = newDaemon("role=it,zone=a");
        daemon.start();
        awaitState("steady.service", st -> st.activeState().equals("active") && st.applied() == TargetState.LAUNCHED);
        // the new agent's first pass (after its recovery) is done: whatever it wanted to do, it did
        FleetDaemon restarted = daemon;
        Awaitility.await("the restarted agent's first reconcile pass").atMost(PATIENCE)
                .until(() -> restarted.metrics().agentReconcileCount.get() >= 1);
        Awaitility.await("steady.service untouched for " + RESTART_ACTION_WINDOW).during(RESTART_ACTION_WINDOW).atMost(RESTART_ACTION_WINDOW.plus(PATIENCE))
                .until(() -> machine.sh("systemctl show -p MainPID,ActiveEnterTimestampMonotonic,NRestarts steady.service").equals(before));
        assertEquals(before, machine.sh("systemctl show -p MainPID,ActiveEnterTimestampMonotonic,NRestarts steady.service"));
    }

    @Test
    void registryOutageStopsNothingAndWorkResumesAfterIt() throws Exception {
        store.createJob("keep.service", UnitFile.parse(HELLO.replace("Hello loop", "Keep")), TargetState.LAUNCHED);
        await("keep.service active", () -> isActive("keep.service"));
        String before = machine.sh("systemctl show -p MainPID,ActiveEnterTimestampMonotonic keep.service");

        store.setUnavailable(true);
        Awaitility.await("keep.service untouched for " + OUTAGE_WINDOW + " without the registry").during(OUTAGE_WINDOW)
                .atMost(OUTAGE_WINDOW.plus(PATIENCE))
                .until(() -> machine.sh("systemctl show -p MainPID,ActiveEnterTimestampMonotonic keep.service").equals(before));
        store.setUnavailable(false);

        store.setDesiredState("keep.service", TargetState.LOADED);
        await("keep.service stopped after the outage, on instruction", () -> !isActive("keep.service"));
    }

    @Test
    void installSectionEnablesTheUnit() throws Exception {
        store.createJob("wanted.service", UnitFile.parse(HELLO.replace("Hello loop", "Wanted") + "\n[Install]\nWantedBy=multi-user.target\n"),
                TargetState.LAUNCHED);
        await("wanted.service active", () -> isActive("wanted.service"));
        assertEquals("enabled-runtime", machine.shAnyExit("systemctl is-enabled wanted.service"));
    }

    @Test
    void globalUnitsRunWhereTheirMetadataMatches() throws Exception {
        // elsewhere.service first: every agent pass reads all global jobs, so the pass that started
        // everywhere.service (whose state is published after the pass acted) has decided about elsewhere.service too
        store.createJob("elsewhere.service", UnitFile.parse(HELLO.replace("Hello loop", "Elsewhere")
                + "\n[X-Fleet]\nGlobal=true\nMachineMetadata=role=db\n"), TargetState.LAUNCHED);
        store.createJob("everywhere.service", UnitFile.parse(HELLO.replace("Hello loop", "Everywhere")
                + "\n[X-Fleet]\nGlobal=true\nMachineMetadata=role=it\n"), TargetState.LAUNCHED);
        await("everywhere.service active", () -> isActive("everywhere.service"));
        awaitState("everywhere.service", st -> st.activeState().equals("active"));
        assertEquals("not-found", loadState("elsewhere.service"));

        // a reload that changes this machine's metadata makes the other global unit match instead
        daemon.reload(new ConfigLoader().load(List.of("--config", scratch.resolve("fleet.conf").toString(),
                "--public_ip", "10.99.0.7", "--metadata", "role=db", "--agent_ttl", AGENT_TTL.toSeconds() + "s"), Map.of()));
        await("elsewhere.service active after the metadata reload", () -> isActive("elsewhere.service"));
        await("everywhere.service unloaded after the metadata reload", () -> loadState("everywhere.service").equals("not-found"));
    }

    @Test
    void destroyingAJobUnloadsItsUnit() throws Exception {
        store.createJob("gone.service", UnitFile.parse(HELLO.replace("Hello loop", "Gone")), TargetState.LAUNCHED);
        await("gone.service active", () -> isActive("gone.service"));
        store.destroyJob("gone.service");
        await("gone.service unloaded", () -> loadState("gone.service").equals("not-found"));
        await("state of gone.service removed", () -> state("gone.service").isEmpty());
    }

    @Test
    void aSecondMachineWithTheSameIdIsRefusedAtStart() throws Exception {
        FleetConfig config = new ConfigLoader().load(List.of("--config", scratch.resolve("fleet.conf").toString(),
                "--api_socket", scratch.resolve("dup-" + System.nanoTime() + ".sock").toString(),
                "--public_ip", "10.99.0.8", "--agent_ttl", AGENT_TTL.toSeconds() + "s"), Map.of());
        FleetDaemon twin = new FleetDaemon(config, new MachineIdentity(machine.machineId(), "another-host"),
                c -> unclosable(store), c -> DbusSystemdManager.connect(SystemdSettings.forFleetConfig(false, c.unitsDirectory())
                        .withBus(BusTarget.address(machine.busAddress())).withHostRoot(machine.root())));
        try {
            FleetdStartException e = org.junit.jupiter.api.Assertions.assertThrows(FleetdStartException.class, twin::start);
            assertTrue(e.getMessage().contains("refusing to join") && e.getMessage().contains(machine.machineId()), e.getMessage());
        } finally {
            twin.close();
        }
        assertEquals(1, store.machines().size(), "the first machine is still the only one");
        assertEquals("10.99.0.7", store.machines().get(0).publicIp());
    }

    @Test
    void systemdUserDrivesTheUserManager() throws Exception {
        // root's user manager in the machine (what systemd_user=true talks to: the user's bus, /run/user/<uid>/bus)
        machine.sh("systemctl start user@0.service");
        String userBus = "unix:path=" + machine.root().resolve("run/user/0/bus");
        daemon.close();
        FleetConfig config = new ConfigLoader().load(List.of("--config", scratch.resolve("fleet.conf").toString(),
                "--api_socket", scratch.resolve("user-" + System.nanoTime() + ".sock").toString(),
                "--public_ip", "10.99.0.7", "--agent_ttl", AGENT_TTL.toSeconds() + "s", "--systemd_user", "true",
                "--units_directory", "/run/user/0/fleet/units"), Map.of());
        assertTrue(config.systemdUser());
        daemon = new FleetDaemon(config, new MachineIdentity(machine.machineId(), machine.name()), c -> unclosable(store),
                c -> DbusSystemdManager.connect(SystemdSettings.forFleetConfig(c.systemdUser(), c.unitsDirectory())
                        .withBus(BusTarget.address(userBus)).withHostRoot(machine.root())));
        daemon.start();
        try {
            store.createJob("mine.service", UnitFile.parse(HELLO.replace("Hello loop", "Mine")), TargetState.LAUNCHED);
            await("mine.service active in root's user manager", () -> {
                try {
                    return machine.shAnyExit("XDG_RUNTIME_DIR=/run/user/0 systemctl --user is-active mine.service").equals("active");
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals("inactive", machine.shAnyExit("systemctl is-active mine.service"), "not in the system manager");
            awaitState("mine.service", st -> st.activeState().equals("active") && st.applied() == TargetState.LAUNCHED);
            store.destroyJob("mine.service");
            await("mine.service unloaded from the user manager", () -> {
                try {
                    return machine.shAnyExit("XDG_RUNTIME_DIR=/run/user/0 systemctl --user show -p LoadState --value mine.service").equals("not-found");
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            daemon.close();
            daemon = null;
            machine.shAnyExit("systemctl stop user@0.service");
        }
    }

    @Test
    void stopOnDisconnectAfterRestoresFleetsOldBehaviourWhenAsked() throws Exception {
        daemon.close();
        FleetConfig config = new ConfigLoader().load(List.of("--config", scratch.resolve("fleet.conf").toString(),
                "--api_socket", scratch.resolve("sod-" + System.nanoTime() + ".sock").toString(),
                "--public_ip", "10.99.0.7", "--agent_ttl", AGENT_TTL.toSeconds() + "s", "--stop_on_disconnect_after", "2s"), Map.of());
        SystemdSettings settings = SystemdSettings.forFleetConfig(false, config.unitsDirectory())
                .withBus(BusTarget.address(machine.busAddress())).withHostRoot(machine.root());
        daemon = new FleetDaemon(config, new MachineIdentity(machine.machineId(), machine.name()), c -> unclosable(store),
                c -> DbusSystemdManager.connect(settings));
        daemon.start();
        store.createJob("strict.service", UnitFile.parse(HELLO.replace("Hello loop", "Strict")), TargetState.LAUNCHED);
        await("strict.service active", () -> isActive("strict.service"));

        store.setUnavailable(true);
        try {
            // the operator chose consistency: past 2 s without the registry, the agent stops what it runs
            await("strict.service stopped after stop_on_disconnect_after", () -> !isActive("strict.service"));
        } finally {
            store.setUnavailable(false);
        }
        // and once the registry answers again, what it still schedules here runs again
        await("strict.service started again after the registry returned", () -> isActive("strict.service"));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private boolean isActive(String unit) {
        try {
            return machine.shAnyExit("systemctl is-active " + unit).equals("active");
        } catch (Exception e) {
            return false;
        }
    }

    private String loadState(String unit) {
        try {
            return machine.shAnyExit("systemctl show -p LoadState --value " + unit);
        } catch (Exception e) {
            return "?";
        }
    }

    private boolean waitForJournal(String unit) {
        try {
            Awaitility.await("Hello World in the journal of " + unit).atMost(PATIENCE)
                    .until(() -> machine.shAnyExit("journalctl -u " + unit + " --no-pager").contains("Hello World"));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private Optional<UnitState> state(String unit) {
        return store.unitStates().stream().filter(s -> s.name().equals(unit)).findFirst();
    }

    private UnitState awaitState(String unit, java.util.function.Predicate<UnitState> ok) {
        try {
            return Awaitility.await("state of " + unit).atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                    .until(() -> state(unit), s -> s.isPresent() && ok.test(s.get())).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("state of " + unit + " not as expected within " + PATIENCE + "; last: " + state(unit), e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }
}
