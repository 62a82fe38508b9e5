package org.fleetj.registry.support;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a level-triggered callback on a registry thread, one run at a time: many signals while a run is pending
 * collapse into one run, since the callback re-reads the whole state anyway, and a signal that arrives during a
 * run causes exactly one more run after it. Runs never overlap, even on a multi-threaded executor: callbacks such
 * as the engine election read, decide and write, and two of them interleaved would act on each other's stale
 * reads. A callback that throws is logged and does not stop later signals.
 */
public final class CoalescingNotifier {
    private static final Logger log = LoggerFactory.getLogger(CoalescingNotifier.class);

    private final String name;
    private final Runnable callback;
    private final Executor executor;
    /** A signal has arrived that no run has answered yet. */
    private final AtomicBoolean pending = new AtomicBoolean();
    /** A run is dispatched or running; only its owner clears it. */
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean closed;

    public CoalescingNotifier(String name, Runnable callback, Executor executor) {
        this.name = name;
        this.callback = callback;
        this.executor = executor;
    }

    public void signal() {
        if (closed) {
            return;
        }
        pending.set(true);
        dispatchIfIdle();
    }

    private void dispatchIfIdle() {
        if (closed || !pending.get() || !running.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::run);
        } catch (RejectedExecutionException e) {
            running.set(false); // the executor is shut down: the registry is closing
        }
    }

    private void run() {
        try {
            while (!closed && pending.getAndSet(false)) {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    log.warn("watch callback {} failed: {}", name, e.toString(), e);
                }
            }
        } finally {
            running.set(false);
        }
        // a signal that came after the loop's last check but before running was cleared found us busy: answer it
        dispatchIfIdle();
    }

    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }
}
