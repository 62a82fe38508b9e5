package org.fleetj.registry.etcd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.support.ListenerCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the parts of one {@link EtcdRegistry} share: the gateway, the key layout, and three kinds of threads.
 * {@code timers} run the blocking background work (lease keepalives, campaigns, re-announcements);
 * {@code watchLoop} (one thread) drives every watch's state without blocking; {@code callbacks} (one thread)
 * runs listener and watch callbacks in order, so a slow callback never delays a keepalive.
 */
record EtcdRuntime(EtcdGateway gateway, EtcdKeys keys, ScheduledExecutorService timers,
                   ScheduledExecutorService watchLoop, ExecutorService callbacks) {
    private static final Logger log = LoggerFactory.getLogger(EtcdRuntime.class);

    /** The runtime with its threads, named {@code <threadPrefix>-bg-N}, {@code -watch-1}, {@code -callbacks-1} (daemons). */
    static EtcdRuntime start(EtcdGateway gateway, EtcdKeys keys, String threadPrefix) {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(4, daemon(threadPrefix + "-bg"));
        timers.setRemoveOnCancelPolicy(true);
        ScheduledThreadPoolExecutor watchLoop = new ScheduledThreadPoolExecutor(1, daemon(threadPrefix + "-watch"));
        watchLoop.setRemoveOnCancelPolicy(true);
        ExecutorService callbacks = Executors.newSingleThreadExecutor(daemon(threadPrefix + "-callbacks"));
        return new EtcdRuntime(gateway, keys, timers, watchLoop, callbacks);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs a listener call on the callback thread; a failing listener is logged, never fatal. */
    void callback(Runnable r) {
        ListenerCalls.submit(callbacks, r);
    }

    /** Schedules background work; quietly nothing once the registry is closed. */
    ScheduledFuture<?> later(Runnable r, long millis) {
        try {
            return timers.schedule(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("etcd registry background task failed: {}", e.toString(), e);
                }
            }, Math.max(0, millis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }
}
