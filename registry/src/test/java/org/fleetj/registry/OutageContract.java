package org.fleetj.registry;

import static org.awaitility.Awaitility.await;
import static org.fleetj.registry.RegistryTestData.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.RegistryTestData.LatchEvents;
import org.fleetj.registry.RegistryTestData.PresenceEvents;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * The registry contract for an outage of the store: calls fail, presences are suspended, everything resumes after
 * it (see {@link RegistryContract}).
 */
public interface OutageContract extends RegistryFixture {

    @Test
    default void anOutageFailsCallsSuspendsPresenceAndEverythingResumesAfterIt() {
        MachinePresence p = registry().join(machine(machineId(1), "10.0.0.1", Map.of()), "host1", ttl());
        PresenceEvents events = new PresenceEvents();
        p.addListener(events);
        AtomicInteger scheduleWakes = new AtomicInteger();
        registry().watchSchedule(machineId(1), scheduleWakes::incrementAndGet);
        AtomicInteger clusterWakes = new AtomicInteger();
        registry().watchCluster(clusterWakes::incrementAndGet);
        registry().createJob("a.service", service("/bin/a"), TargetState.LAUNCHED);
        await().atMost(patience()).until(() -> clusterWakes.get() >= 1);

        startOutage();
        try {
            long start = System.nanoTime();
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> registry().jobs());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(patience()) < 0, "failure took too long");
            assertFalse(e.getMessage().isBlank());
            assertThrows(RegistryUnavailableException.class,
                    () -> registry().createJob("b.service", service("/bin/b"), TargetState.LAUNCHED));
            await().atMost(patience()).until(() -> events.events.contains("suspended"));
            assertFalse(p.isAlive());
        } finally {
            endOutage();
        }
        await().atMost(patience().multipliedBy(2)).until(() -> events.events.contains("rejoined"));
        await().atMost(patience()).until(p::isAlive);
        assertEquals(List.of(machineId(1)), registry().machines().stream().map(MachineState::id).toList());

        // watches work again: a new decision wakes the agent
        int wakesBefore = scheduleWakes.get();
        Leadership leader = leadOnce(otherClient(), machineId(2));
        otherClient().applySchedule(leader, List.of(ScheduleChange.assign("a.service", machineId(1),
                service("/bin/a").hash().hex(), TargetState.LAUNCHED, "after outage")));
        await().atMost(patience()).until(() -> scheduleWakes.get() > wakesBefore);
        assertEquals(1, registry().scheduleOf(machineId(1)).size());
        assertTrue(registry().metrics().totalFailures() > 0);
    }

    @Test
    default void anOutageSuspendsTheLeaderButNotACandidateThatDoesNotLead() {
        LatchEvents leaderEvents = new LatchEvents();
        LatchEvents candidateEvents = new LatchEvents();
        LeaderLatch first = registry().leaderLatch(machineId(1), ttl());
        first.addListener(leaderEvents);
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        LeaderLatch second = registry().leaderLatch(machineId(2), ttl());
        second.addListener(candidateEvents);
        second.start();

        startOutage();
        try {
            await().atMost(patience()).until(() -> leaderEvents.events.contains("suspended"));
            // only a leader has something to suspend; a candidate campaigns again once the store answers
            await("a candidate that does not lead is not suspended").during(quietPeriod())
                    .atMost(quietPeriod().plus(patience())).until(() -> !candidateEvents.events.contains("suspended"));
        } finally {
            endOutage();
        }
        first.close();
        second.close();
    }
}
