package org.fleetj.fleetd.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.memory.ElectedRegistry;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulated machine speaks the agent's registry protocol: presence, own schedule, global units, unit states. */
class SimulatedAgentTest {
    private static final String WEB = "11111111aaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String DB = "22222222bbbbbbbbbbbbbbbbbbbbbbbb";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private InMemoryRegistry registry;
    private ElectedRegistry elected;
    private Leadership leadership;
    private SimulatedAgent web;
    private SimulatedAgent db;

    @BeforeEach
    void setUp() {
        elected = new ElectedRegistry();
        registry = elected.registry();
        leadership = elected.leadership();
        web = new SimulatedAgent(registry, new MachineState(WEB, "10.0.0.1", Map.of("role", "web"), "sim"), Duration.ofSeconds(30)).start();
        db = new SimulatedAgent(registry, new MachineState(DB, "10.0.0.2", Map.of("role", "db"), "sim"), Duration.ofSeconds(30)).start();
    }

    @AfterEach
    void tearDown() {
        web.close();
        db.close();
        elected.close();
    }

    private static UnitFile unit(String text) throws Exception {
        return UnitFile.parse(text);
    }

    private void schedule(String name, String machine, TargetState state) {
        String hash = registry.job(name).orElseThrow().unitHash();
        registry.applySchedule(leadership, List.of(ScheduleChange.assign(name, machine, hash, state, "test")));
    }

    private Optional<UnitState> state(String name, String machine) {
        return registry.unitStates().stream().filter(s -> s.name().equals(name) && s.machineId().equals(machine)).findFirst();
    }

    @Test
    void joinsWithItsIdAddressAndMetadata() {
        assertEquals(List.of(new MachineState(WEB, "10.0.0.1", Map.of("role", "web"), "sim"), new MachineState(DB, "10.0.0.2", Map.of("role", "db"), "sim")),
                registry.machines());
    }

    @Test
    void followsItsScheduleAndPublishesSystemdLikeStates() throws Exception {
        UnitFile v1 = unit("[Service]\nExecStart=/bin/sleep 1\n");
        registry.createJob("a.service", v1, TargetState.LOADED);
        schedule("a.service", WEB, TargetState.LOADED);
        UnitState loaded = new UnitState("a.service", WEB, v1.hash().hex(), "loaded", "inactive", "dead", TargetState.LOADED);
        await().atMost(WAIT).until(() -> state("a.service", WEB).equals(Optional.of(loaded)));

        schedule("a.service", WEB, TargetState.LAUNCHED);
        UnitState running = new UnitState("a.service", WEB, v1.hash().hex(), "loaded", "active", "running", TargetState.LAUNCHED);
        await().atMost(WAIT).until(() -> state("a.service", WEB).equals(Optional.of(running)));
        assertEquals(Map.of("a.service", new SimulatedAgent.SystemdState("loaded", "active", "running")), web.units());
        assertTrue(db.units().isEmpty(), "only the target machine acts");

        UnitFile v2 = unit("[Service]\nExecStart=/bin/sleep 2\n");
        registry.replaceJob("a.service", v2, TargetState.LAUNCHED);
        schedule("a.service", WEB, TargetState.LAUNCHED);
        await().atMost(WAIT).until(() -> state("a.service", WEB).map(UnitState::unitHash).equals(Optional.of(v2.hash().hex())));
        assertEquals("active", state("a.service", WEB).orElseThrow().activeState(), "a new file of a running unit is restarted, as the agent does");

        registry.applySchedule(leadership, List.of(ScheduleChange.unassign("a.service", WEB, "test")));
        await().atMost(WAIT).until(() -> state("a.service", WEB).isEmpty());
        assertTrue(web.units().isEmpty());
    }

    @Test
    void placesGlobalUnitsByMetadataAsTheRealAgent() throws Exception {
        registry.createJob("g.service", unit("[Service]\nExecStart=/bin/sleep 1\n\n[X-Fleet]\nGlobal=true\nMachineMetadata=role=web\n"), TargetState.LAUNCHED);
        registry.createJob("all.service", unit("[Service]\nExecStart=/bin/sleep 1\n\n[X-Fleet]\nGlobal=true\n"), TargetState.LOADED);
        await().atMost(WAIT).until(() -> registry.unitStates().size() == 3);
        assertEquals(Map.of("g.service", new SimulatedAgent.SystemdState("loaded", "active", "running"),
                "all.service", new SimulatedAgent.SystemdState("loaded", "inactive", "dead")), web.units());
        assertEquals(Map.of("all.service", new SimulatedAgent.SystemdState("loaded", "inactive", "dead")), db.units());
        // dynamic metadata counts, as for the real agent
        registry.setMachineMetadata(DB, "role", "web");
        registry.setDesiredState("g.service", TargetState.LAUNCHED); // a global job change wakes the agents
        registry.setDesiredState("all.service", TargetState.INACTIVE);
        await().atMost(WAIT).until(() -> db.units().equals(Map.of("g.service", new SimulatedAgent.SystemdState("loaded", "active", "running"))));
        assertEquals(List.of("g.service", "g.service"), registry.unitStates().stream().map(UnitState::name).toList());
    }

    @Test
    void frozenMachinesCatchUpWhenThawedAndFailuresAreReported() throws Exception {
        registry.createJob("a.service", unit("[Service]\nExecStart=/bin/false\n"), TargetState.LAUNCHED);
        web.failOnStart("a.service");
        db.freeze();
        registry.createJob("b.service", unit("[Service]\nExecStart=/bin/true\n"), TargetState.LAUNCHED);
        schedule("a.service", WEB, TargetState.LAUNCHED);
        schedule("b.service", DB, TargetState.LAUNCHED);
        await().atMost(WAIT).until(() -> state("a.service", WEB).isPresent());
        UnitState a = state("a.service", WEB).orElseThrow();
        assertEquals(List.of("failed", "failed", TargetState.LAUNCHED), List.of(a.activeState(), a.subState(), a.applied()));
        // the frozen machine's agent got the instruction and is stuck in systemd: it has not acted on it
        await().atMost(WAIT).until(() -> db.systemd().stuckCalls() > 0);
        assertTrue(state("b.service", DB).isEmpty(), "a frozen machine does nothing");
        db.thaw();
        await().atMost(WAIT).until(() -> state("b.service", DB).map(UnitState::activeState).equals(Optional.of("active")));
    }

    @Test
    void leavingTakesTheMachineAndItsStatesAway() throws Exception {
        registry.createJob("a.service", unit("[Service]\nExecStart=/bin/true\n"), TargetState.LAUNCHED);
        schedule("a.service", DB, TargetState.LAUNCHED);
        await().atMost(WAIT).until(() -> state("a.service", DB).isPresent());
        db.close();
        assertEquals(List.of(WEB), registry.machines().stream().map(MachineState::id).toList());
        assertTrue(registry.unitStates().isEmpty());
        assertTrue(db.passes() > 0 && web.passes() > 0);
    }
}
