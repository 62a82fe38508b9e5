package org.fleetj.fleetd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The agent's per-unit retries follow the project's one backoff rule ({@code Backoff}: full jitter under doubling ceilings). */
class UnitRetriesTest {
    private static final AgentTask START = new AgentTask(AgentTask.Kind.START, "bad.service", "test");
    private static final String HASH = "a".repeat(40);
    private static final long SECOND = 1_000_000_000L;

    @Test
    void ceilingsDoubleFromOneSecondUpToSixtySeconds() {
        UnitRetries r = new UnitRetries(bound -> bound);
        List<Long> waits = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 9; i++) {
            Duration wait = r.failed(START, HASH, "no [Service]", now);
            waits.add(wait.toSeconds());
            assertFalse(r.mayRun(START, HASH, now + wait.toNanos() - 1), "waiting out attempt " + (i + 1));
            now += wait.toNanos();
            assertTrue(r.mayRun(START, HASH, now), "due after attempt " + (i + 1));
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L), waits);
        assertEquals(Optional.of(now), r.nextAttemptNanos());
    }

    @Test
    void jitteredWaitsStayUnderTheirCeilingAndSpreadManyUnits() {
        Random seeded = new Random(17);
        UnitRetries r = new UnitRetries(bound -> (long) (seeded.nextDouble() * (bound + 1)));
        List<Long> firstWaits = new ArrayList<>();
        for (int unit = 0; unit < 100; unit++) {
            AgentTask t = new AgentTask(AgentTask.Kind.START, "bad@" + unit + ".service", "test");
            long ceiling = UnitRetries.MIN.toMillis();
            for (int attempt = 0; attempt < 8; attempt++) {
                long ms = r.failed(t, HASH, "refused", 0).toMillis();
                assertTrue(ms >= 0 && ms <= ceiling, ms + " ms over the ceiling " + ceiling + " ms");
                if (attempt == 0) firstWaits.add(ms);
                ceiling = Math.min(ceiling * 2, UnitRetries.MAX.toMillis());
            }
        }
        // a hundred units refused at once are not retried together: their first retries spread over the first second
        assertTrue(firstWaits.stream().distinct().count() > 50, "first waits " + firstWaits);
    }

    @Test
    void anotherTaskOrUnitFileStartsAfreshAndSuccessForgets() {
        UnitRetries r = new UnitRetries(bound -> bound);
        r.failed(START, HASH, "refused", 0);
        r.failed(START, HASH, "refused", SECOND);
        assertFalse(r.mayRun(START, HASH, SECOND), "the same task for the same file waits");
        String newFile = "b".repeat(40);
        assertTrue(r.mayRun(START, newFile, SECOND), "a new unit file is tried at once");
        assertTrue(r.mayRun(new AgentTask(AgentTask.Kind.STOP, "bad.service", "test"), HASH, SECOND), "another task is tried at once");
        assertEquals(Duration.ofSeconds(1), r.failed(START, newFile, "refused", SECOND), "its backoff starts again");

        r.succeeded(START);
        assertTrue(r.mayRun(START, newFile, SECOND));
        assertEquals(Optional.empty(), r.nextAttemptNanos());

        r.failed(START, HASH, "refused", 0);
        r.retainOnly(Set.of("other.service"));
        assertEquals(Optional.empty(), r.nextAttemptNanos(), "units gone from this machine are forgotten");
    }
}
