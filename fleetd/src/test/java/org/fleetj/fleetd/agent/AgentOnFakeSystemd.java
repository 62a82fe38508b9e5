package org.fleetj.fleetd.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fleetj.fleetd.systemd.FakeSystemd;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.memory.ElectedRegistry;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the fast tests of the real {@link Agent} share: an elected in-memory registry (so a test writes this
 * machine's schedule as the engine does), this machine's presence in it, a {@link FakeSystemd}, and the agents a
 * test starts ({@link #agents}), all closed after each test.
 */
abstract class AgentOnFakeSystemd {
    static final String ME = "11111111aaaaaaaaaaaaaaaaaaaaaaaa";
    /** How long a test waits for the agent to act before it fails (long: the machine may be loaded). */
    static final Duration WAIT = Duration.ofSeconds(10);

    final MachineState self;
    /** The agents started in this test; each is closed after it (a test that closes one itself removes it). */
    final List<Agent> agents = new ArrayList<>();
    InMemoryRegistry registry;
    Leadership leadership;
    MachinePresence presence;
    FakeSystemd systemd;
    private ElectedRegistry elected;

    /** @param metadata this machine's metadata */
    AgentOnFakeSystemd(Map<String, String> metadata) {
        self = new MachineState(ME, "10.0.0.1", metadata, "test");
    }

    @BeforeEach
    final void joinAndStartSystemd() {
        elected = new ElectedRegistry();
        registry = elected.registry();
        leadership = elected.leadership();
        presence = registry.join(self, "host-1", Duration.ofSeconds(30));
        systemd = new FakeSystemd(ME);
    }

    @AfterEach
    final void closeAgentsSystemdAndRegistry() {
        agents.forEach(Agent::close);
        systemd.close();
        elected.close();
    }

    /** Starts {@code agent}; it is closed after the test. */
    final Agent started(Agent agent) {
        agents.add(agent);
        agent.start();
        return agent;
    }

    /** {@code text} as a unit file; the text of a test is valid, so a parse error is the test's own bug. */
    static UnitFile unit(String text) {
        try {
            return UnitFile.parse(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** What the engine would write: {@code name} at {@code file}'s hash on this machine, to reach {@code state}. */
    final void scheduleHere(String name, UnitFile file, TargetState state) {
        registry.applySchedule(leadership, List.of(ScheduleChange.assign(name, ME, file.hash().hex(), state, "test")));
    }
}
