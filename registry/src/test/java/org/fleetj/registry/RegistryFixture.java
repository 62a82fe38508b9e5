package org.fleetj.registry;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What each part of the registry contract needs from the registry under test, and the waiting every part shares.
 * Implemented once per registry through {@link RegistryContract}: a fresh, empty store per test and the means to
 * simulate failures.
 */
public interface RegistryFixture {

    /** The client under test, on an empty store. */
    Registry registry();

    /** Another client of the same store, as another fleetd would have. Closed by the implementation. */
    Registry otherClient();

    /** The fleetd owning {@code presence} (through {@code client}) dies suddenly: no revoke, keepalive stops. */
    void crash(Registry client, MachinePresence presence);

    /** The engine candidate {@code latch} (of {@code client}) dies suddenly: no resign, keepalive stops. */
    void crash(Registry client, LeaderLatch latch);

    /** The store loses the presence's lease while its fleetd lives on (as after a long partition). */
    void loseLease(MachinePresence presence);

    /** The store becomes unreachable for every client. */
    void startOutage();

    /** The store is reachable again (same data). */
    void endOutage();

    /** The lease ttl used for presences and leaders in these tests. */
    default Duration ttl() {
        return Duration.ofSeconds(2);
    }

    /** How long asynchronous effects (callbacks, expiry after a crash) may take. */
    default Duration patience() {
        return ttl().multipliedBy(4);
    }

    /**
     * The watch delivery window: how long a change takes at most to reach a watch callback when nothing is
     * wrong (etcd: a watch event over gRPC plus the coalescing notifier's hop). "Nothing happens" checks watch
     * for this long.
     */
    default Duration quietPeriod() {
        return Duration.ofMillis(300);
    }

    /** How long a crashed fleetd's lease lives on (real stores: its ttl, and etcd's one-second granularity). */
    default Duration crashedLeaseExpiry() {
        return ttl().plusSeconds(1);
    }

    /**
     * Checks that {@code counter} stays at {@code expected} for the watch delivery window ({@link #quietPeriod()}):
     * a wake that was going to come would have come by then.
     */
    default void staysAtForTheWatchDeliveryWindow(AtomicInteger counter, int expected, String what) {
        await(what).during(quietPeriod()).atMost(quietPeriod().plus(patience()))
                .until(() -> counter.get() == expected);
    }

    /**
     * Waits until {@code counter} has stopped moving: unchanged over one watch delivery window, so the wakes a
     * change caused (one or, coalesced, a few) have all arrived. Returns the settled value.
     */
    default int settled(AtomicInteger counter) {
        AtomicInteger seen = new AtomicInteger(-1);
        await("wakes settle").pollInterval(quietPeriod()).atMost(patience())
                .until(() -> seen.getAndSet(counter.get()) == counter.get());
        return counter.get();
    }

    /** Makes {@code machineId} the engine leader through {@code registry} and returns its leadership. */
    default Leadership leadOnce(Registry registry, String machineId) {
        LeaderLatch latch = registry.leaderLatch(machineId, ttl());
        latch.start();
        await().atMost(patience()).until(() -> latch.leadership().isPresent());
        return latch.leadership().orElseThrow();
    }
}
