package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    /** fleetd's default engine_reconcile_interval, which the local cluster keeps. */
    private static final Duration ENGINE_RECONCILE_INTERVAL = Duration.ofSeconds(2);
    private FleetCluster c;

    @BeforeAll
    void boot() {
        // plain HTTP API: some checks send fleet v1 requests raw, as fleet's own clients do
        c = FleetCluster.up(2, LocalClusterOptions.defaults().plainApi());
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
        // the agent's backoff ceilings from its first wait are 1, 2, 4 s: six of it span at least three retries
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
        assertTrue(listed.contains("after-garbage.service"), listed.toString());
        c.await("a warning names the key", () -> journal("m1").contains("job/garbage.service holds a value that is not a valid")
                || journal("m2").contains("job/garbage.service holds a value that is not a valid"));
        c.fleetctl("destroy", "after-garbage.service").ok();
    }

    /**
     * Issue 17 item 6, "the unit shown as broken", and "skipped; everything else goes on" for a unit that runs: its job
     * and its schedule entry are overwritten with garbage. It keeps running (a record that cannot be read is no
     * instruction to stop, for the engine nor the agent); list-unit-files shows it as broken with a WARNING naming the
     * key, through both drivers (the API's additional "unreadable" field); status names the key; destroy removes it.
     */
    @Test
    void aRunningUnitWhoseRecordsBecomeUnreadableKeepsRunningAndIsShownAsBroken() {
        String name = "damaged.service";
        String m1 = c.machine("m1").machineId();
        c.fleetctl("start", "--block-attempts=20", c.unitFile(name, sleeper("damaged") + "\n[X-Fleet]\nMachineID=" + m1 + "\n")).ok();
        assertEquals(List.of("m1"), c.runningOn(name));
        String identity = c.startIdentity("m1", name);
        String prefix = c.local().keyPrefix();
        c.local().etcd().put(prefix + "job/" + name, "{damaged");
        c.local().etcd().put(prefix + "schedule/" + m1 + "/" + name, "{damaged");

        Map<String, String> apiDriver = Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", c.machine("m2").apiUrl());
        for (FleetCluster.Run listed : List.of(c.fleetctl("list-unit-files", "--no-legend"), c.fleetctl(apiDriver, "list-unit-files", "--no-legend"))) {
            listed.ok();
            assertTrue(listed.lines().stream().anyMatch(l -> l.startsWith(name) && l.contains("broken")), listed.toString());
            assertTrue(listed.err().contains("WARNING: unit " + name + " is broken: etcd key " + prefix + "job/" + name), listed.toString());
        }
        FleetCluster.Run status = c.fleetctl(apiDriver, "status", name);
        assertEquals(1, status.exit(), status.toString());
        assertTrue(status.err().contains(prefix + "job/" + name), status.toString());

        // the garbage woke the engine (a job changed) and m1's agent (its schedule changed) at once; the window covers
        // those passes and three more of the engine's safety passes (engine_reconcile_interval, 2 s by default)
        Duration engineAndAgentPasses = ENGINE_RECONCILE_INTERVAL.multipliedBy(3);
        FleetCluster.holdsFor(name + " running on m1, not stopped, moved or restarted although its records cannot be read",
                engineAndAgentPasses, () -> c.runningOn(name).equals(List.of("m1")) && identity.equals(c.startIdentity("m1", name)));

        // destroyed, its unreadable schedule entry is removed by the engine (it names unit and machine) and the unit stops
        c.fleetctl("destroy", name).ok();
        c.await(name + " stopped once destroyed", () -> c.runningOn(name).isEmpty()
                && c.local().etcd().get(prefix + "schedule/" + m1 + "/" + name).isEmpty());
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

    /**
     * Issue 17 item 5 on the cluster: every wait is bounded by what the user asked. A unit pinned to a machine that does
     * not exist waits unplaced: `start --no-block` returns at once, and a blocking `start` (no attempt limit) ends when
     * someone destroys the unit meanwhile, with a message and exit 1 (fleet waited forever).
     */
    @Test
    void aStartEndsWhenItsUnitIsDestroyedMeanwhileAndNoBlockDoesNotWait() throws Exception {
        String nowhere = "\n[X-Fleet]\nMachineID=00000000000000000000000000000000\n";
        String noBlock = c.unitFile("noblock.service", sleeper("no block") + nowhere);
        var quick = CompletableFuture.supplyAsync(() -> c.fleetctl("start", "--no-block", noBlock));
        FleetCluster.Run r = quick.get(60, TimeUnit.SECONDS); // a hang is the defect; 60 s is any fleetctl call's budget here
        assertEquals(0, r.exit(), r.toString());

        String file = c.unitFile("nowhere.service", sleeper("nowhere") + nowhere);
        var waiting = CompletableFuture.supplyAsync(() -> c.fleetctl("start", "--block-attempts=0", file));
        c.await("the blocking start created its unit", () -> c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit")
                .lines().contains("nowhere.service"));
        c.fleetctl("destroy", "nowhere.service").ok();
        FleetCluster.Run ended = waiting.get(60, TimeUnit.SECONDS);
        assertEquals(1, ended.exit(), ended.toString());
        assertTrue(ended.err().contains("unit nowhere.service was destroyed while waiting for it"), ended.toString());
        c.fleetctl("destroy", "noblock.service").ok();
    }

    /** Issue 17 item 7 on the cluster: wrong JSON types get a 400 naming the field, and nothing is created. */
    @Test
    void wrongJsonTypesGetA400NamingTheFieldAndCreateNothing() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String url = c.machine("m1").apiUrl() + "/fleet/v1/units/typed.service";
        for (String body : List.of("{\"options\":[{\"section\":7,\"name\":\"ExecStart\",\"value\":1e999999999}]}",
                "{\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":1e999999999}]}", "{\"options\":[null]}")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
            assertTrue(r.body().contains("options[0]") && !r.body().contains("java."), body + " -> " + r.body());
        }
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, get.statusCode(), get.body());
    }
}
