package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fleetj.testkit.LocalClusterOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The failure policy (beyond fleet) on a real 3-machine cluster: a unit that exits non-zero is restarted in place
 * {@code RestartOnFailure} times by the engine, then moved to another machine, where it runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailurePolicyIT {
    private FleetCluster c;

    @BeforeAll
    void boot() {
        c = FleetCluster.up(3, LocalClusterOptions.defaults());
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    /** Counts its runs in the machine's own /tmp; waits until the test drops a marker there, then exits 3. */
    private static String crasher(String xfleet) {
        return "[Unit]\nDescription=crashes where told to\n\n[Service]\n"
                + "ExecStart=/bin/sh -c \"echo run >> /tmp/fp-runs; while ! test -e /tmp/fp-crash; do sleep 0.2; done; exit 3\"\n"
                + "\n[X-Fleet]\n" + xfleet;
    }

    private int runsOn(String machine) {
        String out = c.local().sh(machine, "sh", "-c", "cat /tmp/fp-runs 2>/dev/null || true").trimmed();
        return out.isEmpty() ? 0 : out.split("\n").length;
    }

    @Test
    void aUnitThatExitsNonZeroIsRestartedNTimesThenMoved() {
        long t = System.nanoTime();
        String path = c.unitFile("crasher.service", crasher("RestartOnFailure=2\nRescheduleOnFailure=true\n"));
        c.fleetctl("start", "--block-attempts=40", path).ok();
        List<String> on = c.runningOn("crasher.service");
        assertEquals(1, on.size(), on.toString());
        String first = on.get(0);
        assertEquals(1, runsOn(first));

        c.local().sh(first, "touch", "/tmp/fp-crash");
        c.await("crasher.service active on another machine", () -> {
            List<String> now = c.runningOn("crasher.service");
            return now.size() == 1 && !now.get(0).equals(first);
        });
        String second = c.runningOn("crasher.service").get(0);
        assertNotEquals(first, second);
        assertEquals(3, runsOn(first), "the first run plus 2 restarts in place on " + first);
        assertEquals(1, runsOn(second));
        assertTrue(!c.runningOn("crasher.service").contains(first), "nothing left running on " + first);

        String record = c.local().etcd().get(c.local().keyPrefix() + "failures/crasher.service").orElseThrow();
        assertTrue(record.contains("\"failures\":3"), record);
        assertTrue(record.contains(c.machine(first).machineId()), record);
        String files = String.join("\n", c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit,state,target").ok().lines());
        assertTrue(files.contains("crasher.service\tlaunched\t" + c.machine(second).machineId().substring(0, 8)), files);
        // the count and the last failure in fleetctl status, through either driver (the API one reads /fleet/v1/failures)
        FleetctlProcess etcdDriver = FleetctlProcess.in(FleetctlProcess.repoRoot(), c.env());
        FleetctlProcess apiDriver = etcdDriver.withEnv(c.local().apiDriverEnv(c.machine(second)));
        for (FleetctlProcess user : List.of(etcdDriver, apiDriver)) {
            FleetCluster.Run status = user.fleetctl("status", "crasher.service").ok();
            String line = status.lines().get(0);
            assertTrue(line.startsWith("Failure policy: 3 failure(s), last at "), status.out());
            assertTrue(line.contains(" on " + c.machine(first).machineId().substring(0, 8) + "... (failed/failed)"), line);
            assertTrue(line.endsWith("; moved away from " + c.machine(first).machineId().substring(0, 8) + "..."), line);
            assertTrue(status.lines().get(1).startsWith("● crasher.service"), status.out());
        }
        FleetCluster.figure("failure_policy_restart_twice_then_move", t);
        c.fleetctl("destroy", "crasher.service").ok();
    }
}
