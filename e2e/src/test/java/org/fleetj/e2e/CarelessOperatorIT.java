package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.fleetj.fleetd.agent.Agent;
import org.fleetj.testkit.LocalClusterOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a careless operator (or another tool) does to a real cluster, and what fleet does about it (issue 17):
 * names systemd cannot run are refused at submit, a unit systemd refuses is retried with backoff and its reason
 * said once, one unreadable record in etcd does not stop listing or scheduling, and a unit file deleted on the
 * machine is written again by the agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CarelessOperatorIT {
    private FleetCluster c;

    @BeforeAll
    void boot() {
        c = FleetCluster.up(2, LocalClusterOptions.defaults());
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    private static String sleeper(String description) {
        return "[Unit]\nDescription=" + description + "\n\n[Service]\nExecStart=/bin/sleep 100000\n";
    }

    private String journal(String machine) {
        return c.local().sh(machine, "journalctl", "-u", "fleetd", "--no-pager", "-o", "cat").stdout();
    }

    @Test
    void aNameSystemdCannotRunIsRefusedAtSubmitAndTheLongestOneRuns() {
        // no file system holds a 256-character file name: the instance of a local template is named instead
        String template = c.unitFile("long@.service", sleeper("too long"));
        String tooLong = "long@" + "i".repeat(256 - "long@.service".length()) + ".service";
        FleetCluster.Run refused = c.fleetctl("start", "--block-attempts=5", template.replace("long@.service", tooLong));
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("1 to 255 characters long, systemd's limit for unit names (has 256)"), refused.err());

        String longest = "b".repeat(255 - ".service".length()) + ".service";
        c.fleetctl("start", "--block-attempts=20", c.unitFile(longest, sleeper("longest"))).ok();
        assertEquals(1, c.runningOn(longest).size(), "the 255-character unit runs");
        c.fleetctl("destroy", longest).ok();
    }

    /**
     * A unit without [Service] is refused by systemd. It used to be retried four times a second with a warning
     * each time; now the reason is logged once and the retries back off (1, 2, 4 s...): over a window of 6 s at
     * most 4 attempts, so at most one warning line naming it.
     */
    @Test
    void aUnitSystemdRefusesIsRetriedWithBackoffAndItsReasonSaidOnce() {
        String name = "noservice.service";
        c.fleetctl("start", "--no-block", c.unitFile(name, "[Unit]\nDescription=no service section\n\n[X-Fleet]\nMachineID="
                + c.machine("m1").machineId() + "\n")).ok();
        c.await("the agent tried and said why", () -> journal("m1").contains("agent: start " + name + ":"));
        // attempts at 0, 1, 3 s (+ 4 s next) of the agent's backoff from its first wait: six of it span three retries
        Duration backoffWindow = Agent.UNIT_RETRY_FIRST.multipliedBy(6);
        FleetCluster.holdsFor("at most one warning naming " + name, backoffWindow,
                () -> journal("m1").lines().filter(l -> l.contains("start " + name + ":") && l.contains("failed:")).count() <= 1);
        long warnings = journal("m1").lines().filter(l -> l.contains("start " + name + ":") && l.contains("failed:")).count();
        assertEquals(1, warnings, journal("m1"));
        c.fleetctl("destroy", name).ok();
    }

    @Test
    void anUnreadableRecordInEtcdIsSkippedAndSchedulingGoesOn() {
        // left in place: the rest of the class runs beside it, as a damaged cluster would
        c.local().etcd().put(c.local().keyPrefix() + "job/garbage.service", "{this is not json");
        c.fleetctl("start", "--block-attempts=20", c.unitFile("after-garbage.service", sleeper("after garbage"))).ok();
        assertEquals(1, c.runningOn("after-garbage.service").size());
        List<String> listed = c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit").ok().lines();
        assertTrue(listed.contains("after-garbage.service") && !listed.contains("garbage.service"), listed.toString());
        c.await("a warning names the key", () -> journal("m1").contains("job/garbage.service holds a value that is not a valid")
                || journal("m2").contains("job/garbage.service holds a value that is not a valid"));
        c.fleetctl("destroy", "after-garbage.service").ok();
    }

    @Test
    void aUnitFileDeletedOnTheMachineIsWrittenAgainAndALaterStartWorks() {
        String name = "repaired.service";
        c.fleetctl("load", "--block-attempts=20", c.unitFile(name, sleeper("repaired") + "\n[X-Fleet]\nMachineID="
                + c.machine("m2").machineId() + "\n")).ok();
        c.local().sh("m2", "sh", "-c", "rm /run/fleet/units/" + name + " && systemctl daemon-reload").requireSuccess();
        c.await("the agent wrote the file again", () -> c.local().sh("m2", "test", "-f", "/run/fleet/units/" + name).exitCode() == 0);
        c.fleetctl("start", "--block-attempts=20", name).ok();
        assertEquals(List.of("m2"), c.runningOn(name));
        c.fleetctl("destroy", name).ok();
    }
}
