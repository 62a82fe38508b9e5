package org.fleetj.e2e.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rolling updates on one real 4-machine cluster (one etcd member: no scenario here touches etcd), the same scenarios
 * {@code scripts/chaos} runs ({@link RolloutScenario}), each with the invariant checker sampling every machine's
 * systemd: max-unavailable is never exceeded, no instance runs twice, only the new version is left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutIT {
    private ChaosCluster c;

    @BeforeAll
    void boot() {
        c = ChaosCluster.boot(repo(), "ro" + Long.toString(ProcessHandle.current().pid(), 36), 1);
        // bin/fleetctl's first run trains its class-data archive, which takes long on a busy machine: not in a scenario
        c.fleetctl(java.time.Duration.ofMinutes(5), "list-machines").requireSuccess();
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    private static Path repo() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("bin/fleetctl")) && Files.isDirectory(p.resolve("scripts"))) return p;
        }
        throw new IllegalStateException("no bin/fleetctl above " + Path.of("").toAbsolutePath());
    }

    private void run(RolloutScenario.Kind kind) throws Exception {
        RolloutScenario s = new RolloutScenario(kind);
        Outcome o = new Outcome();
        System.out.println("e2e_" + s.name() + " started");
        try {
            s.run(c, o);
        } finally {
            System.out.println("e2e_" + s.name() + " " + o.figures() + " problems=" + o.problems());
        }
        assertEquals(List.of(), o.problems(), s.name());
    }

    @Test
    @Order(1)
    void eightInstancesRollOneAtATime() throws Exception {
        run(RolloutScenario.Kind.PLAIN);
    }

    @Test
    @Order(2)
    void theRolloutFinishesAfterTheEngineLeaderIsKilledHalfWay() throws Exception {
        run(RolloutScenario.Kind.LEADER_KILLED);
    }

    @Test
    @Order(3)
    void aFailingNewVersionStopsAtTheFirstInstanceAndIsReverted() throws Exception {
        run(RolloutScenario.Kind.FAILING);
    }

    @Test
    @Order(4)
    void aGlobalUnitRollsMachineByMachine() throws Exception {
        run(RolloutScenario.Kind.GLOBAL);
    }
}
