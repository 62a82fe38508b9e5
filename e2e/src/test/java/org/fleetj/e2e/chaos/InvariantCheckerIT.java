package org.fleetj.e2e.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.fleetj.testkit.EtcdGateway;
import org.fleetj.testkit.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chaos invariant checker catches what it must: a restart, a conflict, a double run past the window (but not
 * while a machine is cut off), a stop while cut off, a stop the registry does not explain (checked against a real
 * etcd), a failed unit. Samples are made up here; the clock is a test clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvariantCheckerIT {
    private static final String M1_ID = "11111111111111111111111111111111";
    private static final String M2_ID = "22222222222222222222222222222222";
    private EtcdServer etcd;
    private EtcdGateway gateway;
    private final AtomicLong now = new AtomicLong();
    private InvariantChecker checker;
    private String prefix;

    @BeforeAll
    void startEtcd() {
        etcd = EtcdServer.start();
        gateway = new EtcdGateway(etcd.endpoint());
    }

    @AfterAll
    void stopEtcd() {
        if (etcd != null) etcd.close();
    }

    @BeforeEach
    void newChecker() {
        if (checker != null) checker.close();
        prefix = "/t" + System.nanoTime() + "/";
        checker = new InvariantChecker(Map.of("m1", M1_ID, "m2", M2_ID), new RegistryProbe(etcd.endpoint(), prefix), now::get);
    }

    private static UnitSample active(String unit, String invocation) {
        return new UnitSample(unit, "active", "running", "invocation=" + invocation);
    }

    private static UnitSample inactive(String unit) {
        return new UnitSample(unit, "inactive", "dead", "invocation=");
    }

    private void observe(String machine, UnitSample... samples) {
        Map<String, UnitSample> m = new LinkedHashMap<>();
        for (UnitSample s : samples) m.put(s.unit(), s);
        checker.observe(machine, m);
    }

    private void advance(long ms) {
        now.addAndGet(Duration.ofMillis(ms).toNanos());
    }

    private List<String> violations() {
        return checker.violationsSince(0).stream().map(Violation::what).toList();
    }

    @Test
    void aNewIdentityOfAnActiveUnitIsARestartUnlessInstructed() {
        observe("m1", active("chaos-plain-1.service", "a"));
        observe("m1", active("chaos-plain-1.service", "a"));
        assertEquals(List.of(), violations());
        observe("m1", active("chaos-plain-1.service", "b"));
        assertEquals(1, checker.restarts());
        assertTrue(violations().get(0).contains("restarted on m1"), violations().toString());
        checker.instruct("chaos-plain-2.service");
        observe("m1", active("chaos-plain-2.service", "x"));
        observe("m1", active("chaos-plain-2.service", "y"));
        assertEquals(1, violations().size(), violations().toString());
    }

    @Test
    void conflictingUnitsOnOneMachineAreCaughtInOneSample() {
        observe("m1", active("chaos-conflict-1.service", "a"), active("chaos-plain-1.service", "b"));
        observe("m2", active("chaos-conflict-2.service", "c"));
        assertEquals(List.of(), violations());
        observe("m2", active("chaos-conflict-2.service", "c"), active("chaos-conflict-3.service", "d"));
        assertEquals(1, violations().size());
        assertTrue(violations().get(0).contains("chaos-conflict-2.service and chaos-conflict-3.service both run on m2"), violations().toString());
    }

    @Test
    void aDoubleRunIsAllowedWhileAMachineIsCutOffAndForFiveSecondsAfter() {
        checker.isolate("m2");
        observe("m1", active("chaos-plain-1.service", "a"));
        observe("m2", active("chaos-plain-1.service", "b"));
        advance(60_000);
        observe("m1", active("chaos-plain-1.service", "a"));
        assertEquals(List.of(), violations(), "the cut-off machine keeps its copy by design");
        checker.rejoin("m2");
        observe("m2", active("chaos-plain-1.service", "b"));
        advance(4_000);
        observe("m1", active("chaos-plain-1.service", "a"));
        assertEquals(List.of(), violations(), "within the window");
        advance(1_500);
        observe("m1", active("chaos-plain-1.service", "a"));
        assertEquals(1, violations().size(), violations().toString());
        assertTrue(violations().get(0).contains("runs on [m1, m2] for more than 5 s"), violations().toString());
        assertTrue(checker.longestDoubleRunMs() >= 5_500, "longest " + checker.longestDoubleRunMs());
    }

    @Test
    void globalUnitsMayRunEverywhere() {
        observe("m1", active("chaos-global.service", "a"));
        observe("m2", active("chaos-global.service", "b"));
        advance(60_000);
        observe("m1", active("chaos-global.service", "a"));
        assertEquals(List.of(), violations());
    }

    @Test
    void aStopWhileCutOffIsAViolation() {
        observe("m2", active("chaos-plain-3.service", "a"));
        checker.isolate("m2");
        observe("m2", inactive("chaos-plain-3.service"));
        assertEquals(1, checker.unexplainedStops());
        assertTrue(violations().get(0).contains("while it was cut off"), violations().toString());
    }

    @Test
    void aStopIsExplainedOnlyWhenTheRegistryNoLongerSchedulesTheUnitThere() {
        gateway.put(prefix + "schedule/" + M1_ID + "/chaos-plain-4.service", "{\"hash\":\"h\",\"desiredState\":\"launched\"}");
        observe("m1", active("chaos-plain-4.service", "a"), active("chaos-plain-5.service", "b"));
        observe("m1", inactive("chaos-plain-4.service"), inactive("chaos-plain-5.service"));
        assertTrue(checker.awaitStopsVerified(Duration.ofSeconds(10)));
        assertEquals(1, checker.unexplainedStops(), violations().toString());
        assertEquals(1, checker.explainedStops());
        assertTrue(violations().get(0).contains("chaos-plain-4.service stopped on m1 although the registry still schedules it there"),
                violations().toString());
    }

    @Test
    void aStopIsVerifiedOnceTheRegistryAnswersAgain() throws InterruptedException {
        observe("m1", active("chaos-web.service", "a"));
        etcd.pause();
        try {
            observe("m1", inactive("chaos-web.service"));
            // the checker retries its registry read every 500 ms: two rounds and more without a decision
            org.awaitility.Awaitility.await("not decided while etcd does not answer").during(java.time.Duration.ofSeconds(1))
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> checker.explainedStops() + checker.unexplainedStops() == 0);
        } finally {
            etcd.resume();
        }
        assertTrue(checker.awaitStopsVerified(Duration.ofSeconds(15)));
        assertEquals(1, checker.explainedStops(), "nothing schedules it on m1");
        assertEquals(List.of(), violations());
    }

    @Test
    void aFailedUnitIsAViolation() {
        observe("m1", new UnitSample("chaos-plain-2.service", "failed", "failed", "invocation="));
        assertTrue(violations().get(0).contains("chaos-plain-2.service failed on m1"), violations().toString());
    }

    @Test
    void whatDiesWithAKilledMachineIsNotAStop() {
        observe("m1", active("chaos-plain-1.service", "a"));
        checker.ignore("m1");
        observe("m1", inactive("chaos-plain-1.service"));
        checker.watch("m1");
        observe("m1", inactive("chaos-plain-1.service"));
        assertTrue(checker.awaitStopsVerified(Duration.ofSeconds(5)));
        assertEquals(List.of(), violations());
    }
}
