package org.fleetj.fleetd.metrics;

import java.util.concurrent.atomic.DoubleAdder;

/** A monotonically increasing value (Prometheus counter). Thread-safe and cheap on the hot path. */
public final class Counter {
    private final DoubleAdder value = new DoubleAdder();

    public void inc() {
        value.add(1);
    }

    /** Adds {@code amount}; a counter only goes up, so a negative amount is a programming error. */
    public void inc(double amount) {
        if (amount < 0 || Double.isNaN(amount)) {
            throw new IllegalArgumentException("a counter can only increase, got " + amount);
        }
        value.add(amount);
    }

    public double value() {
        return value.sum();
    }
}
