package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One-shot jobs ({@code [X-Fleet] Job=true}, beyond fleet) on a real 3-machine cluster: a job runs once and its exit
 * status is recorded and shown; a finished job is not run again when fleetd restarts or its machine leaves; a job
 * whose machine is killed while it runs runs again elsewhere. Each job counts its runs in its machine's own /tmp.
 * The tests run in order on one cluster (two of them kill a machine).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsIT {
    /** Short, so a killed machine's units move within the test (as FailoverIT). */
    private static final String AGENT_TTL = FailoverIT.AGENT_TTL;
    private FleetCluster c;

    @BeforeAll
    void boot() {
        // plain HTTP API: the test also reads fleet's v1 answers raw (RawApi), as fleet's own clients would
        c = FleetCluster.up(3, LocalClusterOptions.defaults().plainApi().agentTtl(AGENT_TTL).conf("engine_reconcile_interval", "1"));
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    /** A oneshot job that counts its runs in /tmp/&lt;name&gt;-runs, waits for /tmp/&lt;name&gt;-go when asked to, then exits. */
    private static String job(String name, int exit, boolean waitForGo) {
        String wait = waitForGo ? "while ! test -e /tmp/" + name + "-go; do sleep 0.2; done; " : "";
        return "[Unit]\nDescription=one-shot job " + name + "\n\n[Service]\nType=oneshot\n"
                + "ExecStart=/bin/sh -c \"echo run >> /tmp/" + name + "-runs; " + wait + "exit " + exit + "\"\n"
                + "\n[X-Fleet]\nJob=true\n";
    }

    private int runsOn(String machine, String name) {
        String out = c.local().sh(machine, "sh", "-c", "cat /tmp/" + name + "-runs 2>/dev/null || true").trimmed();
        return out.isEmpty() ? 0 : out.split("\n").length;
    }

    private List<Machine> live() {
        return c.machines().stream().filter(m -> m.hostPid() > 0).toList();
    }

    /** The live machine whose /tmp shows runs of the job, if any. */
    private List<String> ranOn(String name) {
        List<String> out = new ArrayList<>();
        for (Machine m : live()) if (runsOn(m.name(), name) > 0) out.add(m.name());
        return out;
    }

    private Optional<String> resultRecord(String unit) {
        return c.local().etcd().get(c.local().keyPrefix() + "job-result/" + unit);
    }

    private String resultColumn(String unit) {
        for (String line : c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit,result").ok().lines()) {
            if (line.startsWith(unit + "\t")) return line.substring(unit.length() + 1);
        }
        return "";
    }

    private Optional<String> scheduledOn(String unit) {
        for (Machine m : c.machines()) {
            if (c.local().etcd().get(c.local().keyPrefix() + "schedule/" + m.machineId() + "/" + unit).isPresent()) return Optional.of(m.name());
        }
        return Optional.empty();
    }

    @Test
    @Order(1)
    void aJobRunsOnceAndReportsItsExitStatus() {
        long t = System.nanoTime();
        c.fleetctl("start", c.unitFile("ok-job.service", job("ok-job", 0, false)),
                c.unitFile("bad-job.service", job("bad-job", 3, false))).ok();
        c.await("both jobs have a result", () -> resultRecord("ok-job.service").isPresent() && resultRecord("bad-job.service").isPresent());
        FleetCluster.figure("job_start_to_result", t);
        for (String name : List.of("ok-job", "bad-job")) {
            List<String> on = ranOn(name);
            assertEquals(1, on.size(), name + " ran on " + on);
            assertEquals(1, runsOn(on.get(0), name), name + " ran once");
        }
        String ok = resultRecord("ok-job.service").orElseThrow();
        String bad = resultRecord("bad-job.service").orElseThrow();
        assertTrue(ok.contains("\"succeeded\":true") && ok.contains("\"exitStatus\":0") && ok.contains("\"exitCode\":\"exited\""), ok);
        assertTrue(bad.contains("\"succeeded\":false") && bad.contains("\"exitStatus\":3") && bad.contains("\"systemdResult\":\"exit-code\""), bad);
        Machine badMachine = c.machine(ranOn("bad-job").get(0));
        assertTrue(bad.contains(badMachine.machineId()), bad);

        // list-unit-files: the result only when asked for; fleet's default columns are unchanged
        assertTrue(resultColumn("ok-job.service").startsWith("succeeded on " + ranOnShortId("ok-job") + "... at "), resultColumn("ok-job.service"));
        assertTrue(resultColumn("bad-job.service").startsWith("failed (exit status 3) on " + badMachine.machineId().substring(0, 8) + "... at "),
                resultColumn("bad-job.service"));
        assertEquals(List.of("UNIT", "HASH", "DSTATE", "STATE", "TARGET"),
                List.of(c.fleetctl("list-unit-files").ok().lines().get(0).split("\t+")));

        // fleetctl status says how it ended, through the etcd and the API drivers (the API one reads /fleet/v1/jobs)
        FleetctlProcess etcdDriver = FleetctlProcess.in(FleetctlProcess.repoRoot(), c.env());
        FleetctlProcess apiDriver = etcdDriver.withEnv(c.local().apiDriverEnv(badMachine));
        for (FleetctlProcess user : List.of(etcdDriver, apiDriver)) {
            FleetCluster.Run status = user.fleetctl("status", "bad-job.service");
            assertEquals(3, status.exit(), "systemctl status of a failed unit: " + status.out() + status.err());
            String line = status.lines().get(0);
            assertTrue(line.startsWith("Job: failed (exit status 3), ran on " + badMachine.machineId().substring(0, 8) + "... from "), status.out());
            assertTrue(status.lines().get(1).startsWith("× bad-job.service") || status.lines().get(1).startsWith("● bad-job.service"), status.out());
        }
        RawApi.Answer api = new RawApi(badMachine.apiUrl()).send("GET", "/fleet/v1/jobs/bad-job.service", List.of(), null);
        assertEquals(200, api.status(), api.text());
        assertTrue(api.text().contains("\"result\":\"failed\"") && api.text().contains("\"exitStatus\":3"), api.text());
        RawApi.Answer fleetsOwn = new RawApi(badMachine.apiUrl()).send("GET", "/fleet/v1/units/bad-job.service", List.of(), null);
        assertTrue(!fleetsOwn.text().contains("exitStatus"), "fleet's unit entity is unchanged: " + fleetsOwn.text());

        // restarting fleetd where a job ran does not run it again: the agent says why, and the count stays
        String okMachine = ranOn("ok-job").get(0);
        c.local().sh(okMachine, "systemctl", "restart", "fleetd");
        c.await("the restarted agent holds the finished job back", () -> c.local().sh(okMachine, "journalctl", "-u", "fleetd", "--no-pager")
                .trimmed().contains("not starting job ok-job.service: it already ran"));
        assertEquals(1, runsOn(okMachine, "ok-job"), "not run again after a fleetd restart");
    }

    private String ranOnShortId(String name) {
        return c.machine(ranOn(name).get(0)).machineId().substring(0, 8);
    }

    @Test
    @Order(2)
    void aFinishedJobIsNotRunAgainWhenItsMachineLeaves() {
        String victim = ranOn("ok-job").get(0);
        String victimId = c.machine(victim).machineId();
        assertEquals(Optional.of(victim), scheduledOn("ok-job.service"), "a finished job stays where it ran while that machine lives");
        long t = System.nanoTime();
        c.local().kill(victim);
        c.await("the engine unassigns the finished job of the killed machine", Duration.ofSeconds(40), () -> scheduledOn("ok-job.service").isEmpty());
        FleetCluster.figure("finished_job_machine_lost_to_unassigned", t);
        // the engine unassigned it without placing it anywhere (one decision), so no machine can run it any more
        for (Machine m : live()) assertEquals(0, runsOn(m.name(), "ok-job"), "not run again on " + m.name());
        assertTrue(resultRecord("ok-job.service").orElseThrow().contains(victimId), "the result (where it ran) is kept");
        assertTrue(resultColumn("ok-job.service").startsWith("succeeded on " + victimId.substring(0, 8) + "... at "), resultColumn("ok-job.service"));
        FleetCluster.Run status = c.fleetctl("status", "ok-job.service");
        assertEquals(1, status.exit(), "fleet's answer for a unit on no machine: " + status.err());
        assertTrue(status.out().startsWith("Job: succeeded (exit status 0), ran on " + victimId.substring(0, 8) + "... from "), status.out());
        c.fleetctl("destroy", "ok-job.service", "bad-job.service").ok();
    }

    @Test
    @Order(3)
    void aJobWhoseMachineIsKilledMidRunRunsElsewhere() {
        c.fleetctl("start", c.unitFile("long-job.service", job("long-job", 0, true))).ok();
        c.await("long-job running on one machine", () -> ranOn("long-job").size() == 1);
        String first = ranOn("long-job").get(0);
        c.await("long-job activating on " + first, () -> c.activeState(first, "long-job.service").equals("activating"));
        long t = System.nanoTime();
        c.local().kill(first);
        c.await("long-job runs again on another machine", Duration.ofSeconds(40), () -> {
            List<String> on = ranOn("long-job");
            return on.size() == 1 && c.activeState(on.get(0), "long-job.service").equals("activating");
        });
        FleetCluster.figure("job_machine_killed_to_running_elsewhere", t);
        String second = ranOn("long-job").get(0);
        assertNotEquals(first, second);
        assertTrue(resultRecord("long-job.service").isEmpty(), "no result while it runs");
        c.local().sh(second, "touch", "/tmp/long-job-go");
        c.await("long-job's result", () -> resultRecord("long-job.service").isPresent());
        String r = resultRecord("long-job.service").orElseThrow();
        assertTrue(r.contains("\"succeeded\":true") && r.contains(c.machine(second).machineId()), r);
        assertEquals(1, runsOn(second, "long-job"));
        c.fleetctl("destroy", "long-job.service").ok();
        assertTrue(resultRecord("long-job.service").isEmpty(), "a result goes with its job");
    }
}
