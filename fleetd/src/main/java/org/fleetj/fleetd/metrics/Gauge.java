package org.fleetj.fleetd.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** A value that goes up and down (Prometheus gauge). Thread-safe. */
public final class Gauge {
    private final AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));

    public void set(double v) {
        bits.set(Double.doubleToLongBits(v));
    }

    public void inc() {
        add(1);
    }

    public void dec() {
        add(-1);
    }

    public void add(double delta) {
        long prev;
        long next;
        do {
            prev = bits.get();
            next = Double.doubleToLongBits(Double.longBitsToDouble(prev) + delta);
        } while (!bits.compareAndSet(prev, next));
    }

    /** Sets the gauge to the current time in seconds since the epoch (as fleet's leader_start_time). */
    public void setToCurrentTime() {
        set(System.currentTimeMillis() / 1000.0);
    }

    public double value() {
        return Double.longBitsToDouble(bits.get());
    }
}
