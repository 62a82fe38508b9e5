package org.fleetj.registry;

import static org.awaitility.Awaitility.await;
import static org.fleetj.registry.RegistryTestData.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * The registry contract for the engine election, its fence on the schedule, and the fenced failure records (see
 * {@link RegistryContract}).
 */
public interface LeadershipContract extends RegistryFixture {

    @Test
    default void exactlyOneCandidateLeadsAndTheOtherTakesOverWhenItResigns() {
        LeaderLatch first = registry().leaderLatch(machineId(1), ttl());
        LeaderLatch second = otherClient().leaderLatch(machineId(2), ttl());
        AtomicReference<Leadership> secondHeard = new AtomicReference<>();
        second.addListener(new LeaderLatch.Listener() {
            @Override
            public void isLeader(Leadership leadership) {
                secondHeard.set(leadership);
            }

            @Override
            public void notLeader() {
            }
        });
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        second.start();
        await("a second candidate stays a follower").during(quietPeriod()).atMost(quietPeriod().plus(patience()))
                .until(() -> second.leadership().isEmpty());
        assertEquals(Optional.of(machineId(1)), registry().engineLeader());

        first.close();

        await().atMost(patience()).until(() -> second.leadership().isPresent());
        assertTrue(first.leadership().isEmpty());
        assertEquals(Optional.of(machineId(2)), registry().engineLeader());
        await().atMost(patience()).until(() -> secondHeard.get() != null);
        assertEquals(second.leadership().orElseThrow(), secondHeard.get());
        second.close();
        await().atMost(patience()).until(() -> registry().engineLeader().isEmpty());
    }

    @Test
    default void anotherCandidateTakesOverWhenTheLeaderDies() {
        Registry other = otherClient();
        LeaderLatch first = other.leaderLatch(machineId(1), ttl());
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        LeaderLatch second = registry().leaderLatch(machineId(2), ttl());
        second.start();

        crash(other, first);

        await().atMost(patience()).until(() -> second.leadership().isPresent());
        assertEquals(Optional.of(machineId(2)), registry().engineLeader());
        assertNotEquals(first.leadership().map(Leadership::token), second.leadership().map(Leadership::token));
    }

    @Test
    default void aDeposedLeaderCannotWriteTheSchedule() {
        LeaderLatch first = registry().leaderLatch(machineId(1), ttl());
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        Leadership stale = first.leadership().orElseThrow();
        String hash = service("/bin/true").hash().hex();
        registry().applySchedule(stale, List.of(ScheduleChange.assign("a.service", machineId(1), hash, TargetState.LAUNCHED, "first")));

        LeaderLatch second = otherClient().leaderLatch(machineId(2), ttl());
        second.start();
        first.close();
        await().atMost(patience()).until(() -> second.leadership().isPresent());

        LeadershipLostException e = assertThrows(LeadershipLostException.class, () -> registry().applySchedule(stale, List.of(
                ScheduleChange.unassign("a.service", machineId(1), "stale"),
                ScheduleChange.assign("a.service", machineId(3), hash, TargetState.LAUNCHED, "stale"))));
        assertTrue(e.getMessage().contains(machineId(1)), e.getMessage());
        assertEquals(Map.of(machineId(1), List.of(new ScheduledUnit("a.service", hash, TargetState.LAUNCHED))), registry().schedule());

        // a forged token does not pass either
        Leadership current = second.leadership().orElseThrow();
        assertThrows(LeadershipLostException.class, () -> registry().applySchedule(
                new Leadership(current.machineId(), current.token() + 1000), List.of(ScheduleChange.unassign("a.service", machineId(1), "forged"))));
        assertThrows(LeadershipLostException.class, () -> registry().applySchedule(
                new Leadership(machineId(1), current.token()), List.of(ScheduleChange.unassign("a.service", machineId(1), "forged"))));
        registry().applySchedule(current, List.of(ScheduleChange.unassign("a.service", machineId(1), "current leader")));
        assertEquals(Map.of(), registry().schedule());
    }

    // ---- failure records (beyond fleet) ------------------------------------------------------

    @Test
    default void failureRecordsRoundTripAndAreSeenByOtherClients() {
        Leadership leader = leadOnce(registry(), machineId(1));
        assertEquals(Map.of(), registry().unitFailures());
        java.time.Instant at = java.time.Instant.ofEpochMilli(1_700_000_000_123L);
        UnitFailures f = new UnitFailures("a@1.service", 3, List.of(at.minusSeconds(5), at), at, machineId(2), "failed/failed",
                List.of(machineId(3)));
        registry().putUnitFailures(leader, f);
        assertEquals(Map.of("a@1.service", f), otherClient().unitFailures());
        UnitFailures later = new UnitFailures("a@1.service", 4, List.of(), at.plusSeconds(1), machineId(3), "failed/failed", List.of());
        registry().putUnitFailures(leader, later);
        assertEquals(Map.of("a@1.service", later), registry().unitFailures());
        registry().removeUnitFailures(leader, "a@1.service");
        assertEquals(Map.of(), otherClient().unitFailures());
    }

    @Test
    default void aDeposedLeaderCannotWriteFailureRecords() {
        LeaderLatch first = registry().leaderLatch(machineId(1), ttl());
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        Leadership stale = first.leadership().orElseThrow();
        LeaderLatch second = otherClient().leaderLatch(machineId(2), ttl());
        second.start();
        first.close();
        await().atMost(patience()).until(() -> second.leadership().isPresent());
        UnitFailures f = new UnitFailures("a.service", 1, List.of(), java.time.Instant.EPOCH, machineId(1), "failed/failed", List.of());
        LeadershipLostException e = assertThrows(LeadershipLostException.class, () -> registry().putUnitFailures(stale, f));
        assertTrue(e.getMessage().contains("failure record of a.service"), e.getMessage());
        assertEquals(Map.of(), registry().unitFailures());
        registry().putUnitFailures(second.leadership().orElseThrow(), f);
        assertThrows(LeadershipLostException.class, () -> registry().removeUnitFailures(stale, "a.service"));
        assertEquals(Map.of("a.service", f), registry().unitFailures());
    }
}
