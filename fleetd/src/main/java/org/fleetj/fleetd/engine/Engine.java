package org.fleetj.fleetd.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.LeadershipLostException;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-elected engine. It campaigns through the registry's leader latch; while it leads it
 * reconciles on every cluster change (debounced, so a burst of changes costs one pass) and on a timer
 * as a safety net. A suspended connection is not lost leadership: writes stay fenced, so at worst a
 * pass fails and is retried.
 */
public final class Engine implements AutoCloseable, LeaderLatch.Listener {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** Long enough to batch a `fleetctl start a b c`, short enough not to be felt. */
    static final Duration DEBOUNCE = Duration.ofMillis(15);

    private final Registry registry;
    private final String machineId;
    private final Duration reconcileInterval;
    private final Duration leaseTtl;
    private final EngineReconciler reconciler;
    private final ScheduledExecutorService loop;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile LeaderLatch latch;
    private volatile Subscription watch;
    private volatile ScheduledFuture<?> timer;
    private volatile ScheduledFuture<?> retry;
    private volatile boolean closed;

    public Engine(Registry registry, String machineId, Duration reconcileInterval, EngineReconciler reconciler) {
        this.registry = registry;
        this.machineId = machineId;
        this.reconcileInterval = reconcileInterval;
        // fleet: lease TTL = 5 x reconcile interval (10 s by default).
        this.leaseTtl = reconcileInterval.multipliedBy(5);
        this.reconciler = reconciler;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engine");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        log.info("engine: campaigning for leadership (lease ttl {} ms)", leaseTtl.toMillis());
        latch = registry.leaderLatch(machineId, leaseTtl);
        latch.addListener(this);
        latch.start();
    }

    public boolean isLeading() {
        LeaderLatch l = latch;
        return l != null && l.leadership().isPresent();
    }

    @Override
    public void isLeader(Leadership leadership) {
        if (closed) return;
        loop.execute(() -> {
            if (closed) return;
            log.info("engine: became leader (fencing token {})", leadership.token());
            reconciler.leaderStarted();
            if (watch == null) watch = registry.watchCluster(this::requestReconcile);
            if (timer == null) {
                long ms = reconcileInterval.toMillis();
                timer = loop.scheduleWithFixedDelay(this::requestReconcile, ms, ms, TimeUnit.MILLISECONDS);
            }
            requestReconcile();
        });
    }

    @Override
    public void notLeader() {
        // closing the latch in close() reports lost leadership after the loop is gone: nothing left to stop
        if (closed) return;
        loop.execute(() -> {
            log.info("engine: not leader any more; stopping reconciliation");
            stopLeading();
        });
    }

    @Override
    public void suspended() {
        log.warn("engine: connection to the registry suspended; keeping leadership state, writes stay fenced");
    }

    /** Asks for a reconcile pass soon; many requests within {@link #DEBOUNCE} make one pass. */
    public void requestReconcile() {
        if (closed || !pending.compareAndSet(false, true)) return;
        try {
            loop.schedule(this::reconcileNow, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // a watch fired while the engine was closing: nothing left to do
        }
    }

    private void reconcileNow() {
        pending.set(false);
        LeaderLatch l = latch;
        Optional<Leadership> leadership = l == null ? Optional.empty() : l.leadership();
        if (leadership.isEmpty() || closed) return;
        try {
            reconciler.reconcile(leadership.get());
            // a missing machine's grace period ends without any event: make sure a pass runs then
            reconciler.nextDeadline().ifPresent(d -> loop.schedule(this::requestReconcile, d.toMillis() + 1, TimeUnit.MILLISECONDS));
        } catch (LeadershipLostException e) {
            log.warn("engine: write refused, leadership lost: {}", e.getMessage());
        } catch (RegistryException e) {
            log.warn("engine: reconcile failed, will retry: {}", e.getMessage());
            scheduleRetry();
        } catch (RuntimeException e) {
            log.error("engine: reconcile failed unexpectedly, will retry", e);
        }
    }

    /** One retry at a time: every failed pass asking for its own would multiply the passes during an outage. */
    private void scheduleRetry() {
        ScheduledFuture<?> r = retry;
        if (r != null && !r.isDone()) return;
        retry = loop.schedule(() -> {
            retry = null;
            requestReconcile();
        }, Math.min(1000, reconcileInterval.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void stopLeading() {
        Subscription w = watch;
        watch = null;
        if (w != null) w.close();
        ScheduledFuture<?> t = timer;
        timer = null;
        if (t != null) t.cancel(false);
    }

    @Override
    public void close() {
        closed = true;
        try {
            loop.submit(this::stopLeading).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("engine: stop while closing", e);
        }
        LeaderLatch l = latch;
        if (l != null) l.close();
        loop.shutdownNow();
    }
}
