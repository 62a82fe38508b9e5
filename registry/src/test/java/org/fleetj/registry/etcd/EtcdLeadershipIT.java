package org.fleetj.registry.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.LeadershipLostException;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.RegistryTestData.LatchEvents;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.testkit.EtcdGateway;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Engine leadership on a real etcd with two engines (two clients): a deposed leader's writes are refused and
 * change nothing, also for change sets larger than one transaction; a leader whose etcd restarts hears
 * {@code suspended} and then {@code isLeader} again with the same token, never {@code notLeader}.
 */
class EtcdLeadershipIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static EtcdServer etcd;

    private String prefix;
    private EtcdRegistry engineA;
    private EtcdRegistry engineB;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void open() {
        prefix = "/lead-" + TESTS.incrementAndGet() + "/";
        engineA = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix));
        engineB = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix));
    }

    @AfterEach
    void close() {
        engineA.close();
        engineB.close();
        if (!etcd.isRunning()) {
            etcd.restart();
        }
    }

    /** Records latch callbacks as text. */
    private static List<ScheduleChange> assignMany(String tag, int n, String hash) {
        List<ScheduleChange> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ScheduleChange.assign(String.format("u%04d.service", i), EtcdWatchIT.machine(i % 7), hash, TargetState.LAUNCHED, tag));
        }
        return out;
    }

    @Test
    void aDeposedEngineCannotWriteEvenBeforeItNoticesAndBigChangeSetsStayFenced() {
        LeaderLatch a = engineA.leaderLatch(EtcdWatchIT.machine(1), Duration.ofSeconds(10));
        LatchEvents aEvents = new LatchEvents();
        a.addListener(aEvents);
        a.start();
        await().atMost(PATIENCE).until(() -> a.leadership().isPresent());
        Leadership stale = a.leadership().orElseThrow();
        LeaderLatch b = engineB.leaderLatch(EtcdWatchIT.machine(2), Duration.ofSeconds(10));
        b.start();

        String hash = RegistryTestData.service("/bin/x").hash().hex();
        long txnsBefore = engineA.metrics().count("txn");
        engineA.applySchedule(stale, assignMany("a", 300, hash));
        assertEquals(3, engineA.metrics().count("txn") - txnsBefore, "300 changes go out in 3 transactions of at most 128");
        EtcdGateway witness = new EtcdGateway(etcd.endpoint());
        assertEquals(300, witness.countPrefix(prefix + "schedule/"));

        // engine A stalls past its lease (its lease is revoked behind its back): B takes over
        Etcdctl.at(etcd.endpoint()).revokeLease(Long.parseLong(leaseOfLeaderKey(), 10));
        await().atMost(PATIENCE).until(() -> b.leadership().isPresent());
        Leadership current = b.leadership().orElseThrow();
        assertTrue(current.token() > stale.token());

        // A writes with its old token, whether or not it has heard yet: refused, nothing changes
        List<ScheduleChange> staleWrite = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            staleWrite.add(ScheduleChange.unassign(String.format("u%04d.service", i), EtcdWatchIT.machine(i % 7), "stale"));
        }
        LeadershipLostException e = assertThrows(LeadershipLostException.class, () -> engineA.applySchedule(stale, staleWrite));
        assertTrue(e.getMessage().contains(EtcdWatchIT.machine(1)) && e.getMessage().contains(EtcdWatchIT.machine(2)), e.getMessage());
        assertEquals(300, witness.countPrefix(prefix + "schedule/"));

        // the new leader's big write goes through, fenced batch by batch
        engineB.applySchedule(current, staleWrite);
        assertEquals(0, witness.countPrefix(prefix + "schedule/"));
        await().atMost(PATIENCE).until(() -> aEvents.events.contains("notLeader"));
        assertTrue(a.leadership().isEmpty());
        assertEquals("isLeader " + stale.token(), aEvents.events.get(0));
    }

    /** The leader key's lease, read with etcdctl (decimal). */
    private String leaseOfLeaderKey() {
        String json = Etcdctl.at(etcd.endpoint()).run("get", prefix + "engine/leader", "-w", "json");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"lease\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    @Test
    void aCandidateThatCannotReachEtcdIsNotToldItIsSuspendedAndLeadsOnceEtcdAnswers() {
        etcd.pause();
        LeaderLatch a = engineA.leaderLatch(EtcdWatchIT.machine(1), Duration.ofSeconds(10));
        LatchEvents events = new LatchEvents();
        a.addListener(events);
        try {
            a.start();
            // the first campaign waits out one request timeout (2 s) before it fails and retries
            await("the first campaign has failed").atMost(PATIENCE).until(() -> engineA.metrics().totalFailures() > 0);
        } finally {
            etcd.resume();
        }
        await().atMost(PATIENCE).until(() -> a.leadership().isPresent());
        await().atMost(PATIENCE).until(() -> !events.events.isEmpty());
        assertEquals(List.of("isLeader " + a.leadership().orElseThrow().token()), events.events,
                "a candidate has no leadership to suspend");
    }

    @Test
    void aLeaderWhoseEtcdRestartsIsSuspendedThenLeadsOnWithTheSameToken() {
        LeaderLatch a = engineA.leaderLatch(EtcdWatchIT.machine(1), Duration.ofSeconds(10));
        LatchEvents events = new LatchEvents();
        a.addListener(events);
        a.start();
        await().atMost(PATIENCE).until(() -> a.leadership().isPresent());
        Leadership token = a.leadership().orElseThrow();
        LeaderLatch b = engineB.leaderLatch(EtcdWatchIT.machine(2), Duration.ofSeconds(10));
        b.start();

        etcd.shutdown();
        await().atMost(PATIENCE).until(() -> events.events.contains("suspended"));
        assertEquals(token, a.leadership().orElseThrow(), "a suspension is not a loss");
        etcd.restart();

        await().atMost(PATIENCE).until(() -> events.events.size() >= 3);
        assertEquals(List.of("isLeader " + token.token(), "suspended", "isLeader " + token.token()), events.events);
        assertEquals(token, a.leadership().orElseThrow());
        assertTrue(b.leadership().isEmpty());
        // and its writes pass the fence
        // (the client's gRPC channel may still be in its reconnect backoff right after the restart: an unavailable
        // etcd is retried, a fencing refusal is not)
        await().atMost(PATIENCE).ignoreException(org.fleetj.registry.RegistryUnavailableException.class).until(() -> {
            engineA.applySchedule(token, List.of(ScheduleChange.assign("a.service", EtcdWatchIT.machine(3),
                    RegistryTestData.service("/bin/a").hash().hex(), TargetState.LAUNCHED, "after restart")));
            return true;
        });
        // engine B's own channel may be in its reconnect backoff too: its read is retried while etcd is unreachable
        await().atMost(PATIENCE).ignoreException(org.fleetj.registry.RegistryUnavailableException.class)
                .until(() -> engineB.schedule().size() == 1);
    }
}
