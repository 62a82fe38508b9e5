package org.fleetj.registry.support;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a level-triggered watch callback on a registry thread: many signals while a run is pending
 * collapse into one run, since the callback re-reads the whole state anyway. A callback that throws is
 * logged and does not stop later signals.
 */
public final class CoalescingNotifier {
    private static final Logger log = LoggerFactory.getLogger(CoalescingNotifier.class);

    private final String name;
    private final Runnable callback;
    private final Executor executor;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean closed;

    public CoalescingNotifier(String name, Runnable callback, Executor executor) {
        this.name = name;
        this.callback = callback;
        this.executor = executor;
    }

    public void signal() {
        if (closed || !pending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::run);
        } catch (RejectedExecutionException e) {
            pending.set(false);
        }
    }

    private void run() {
        pending.set(false);
        if (closed) {
            return;
        }
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("watch callback {} failed: {}", name, e.toString(), e);
        }
    }

    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }
}
