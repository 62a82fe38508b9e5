package org.fleetj.registry.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that moves only when a test says so. An {@link InMemoryRegistry} built on it expires leases
 * exactly when {@link #advance(Duration)} passes their deadline, so lease tests need no sleeping.
 */
public final class ManualClock extends Clock {
    private final List<Runnable> onAdvance = new CopyOnWriteArrayList<>();
    private volatile Instant now;

    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public ManualClock(Instant start) {
        this.now = start;
    }

    /** Moves time forward and lets the registries built on this clock expire what is due. */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + by);
        }
        synchronized (this) {
            now = now.plus(by);
        }
        onAdvance.forEach(Runnable::run);
    }

    void onAdvance(Runnable r) {
        onAdvance.add(r);
    }

    void removeOnAdvance(Runnable r) {
        onAdvance.remove(r);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
