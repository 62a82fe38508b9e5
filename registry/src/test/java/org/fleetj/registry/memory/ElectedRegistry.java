package org.fleetj.registry.memory;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;

/**
 * An {@link InMemoryRegistry} whose only engine candidate has been elected: what a fast test needs to write the
 * schedule as the engine does, through {@link #leadership()}. Closing it gives up the leadership, then closes the
 * registry.
 */
public final class ElectedRegistry implements AutoCloseable {
    /** The machine id of the engine these tests play. */
    public static final String ENGINE_ID = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    /** The lease of the engine's leadership: longer than any test, so it never lapses in one. */
    private static final Duration LEADER_TTL = Duration.ofSeconds(10);
    /** How long the in-memory election may take before the set-up fails (it elects at once; this is for a loaded machine). */
    private static final Duration ELECTION_WAIT = Duration.ofSeconds(10);

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final LeaderLatch latch;
    private final Leadership leadership;

    public ElectedRegistry() {
        latch = registry.leaderLatch(ENGINE_ID, LEADER_TTL);
        latch.start();
        await("the in-memory latch elects its only candidate").atMost(ELECTION_WAIT).until(() -> latch.leadership().isPresent());
        leadership = latch.leadership().orElseThrow();
    }

    public InMemoryRegistry registry() {
        return registry;
    }

    /** The elected engine's leadership, which fences schedule writes. */
    public Leadership leadership() {
        return leadership;
    }

    /** The engine gives up its leadership, as when its machine dies; the registry stays open. */
    public void resign() {
        latch.close();
    }

    @Override
    public void close() {
        latch.close();
        registry.close();
    }
}
