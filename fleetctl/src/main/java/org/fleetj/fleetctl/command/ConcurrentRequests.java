package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends a command's independent per-unit writes (create one unit, set one unit's desired state) a few at a time
 * instead of one after another. Each write is an etcd transaction behind fleetd's API; sent one by one, 1,000 units
 * took 24 s to create and 46 s more to target on a 4-machine cluster, nearly all of it waiting on round trips that
 * etcd can commit together. The order of what the command prints does not change: callers print after the batch,
 * in argument order.
 *
 * <p>A failure stops the batch as fleet's one-by-one loop stopped at its first error: no write is started after a
 * failure was seen; the writes already in flight (at most {@link #IN_FLIGHT} - 1 after the failing one) finish.
 * The failure reported is the first in argument order.
 */
final class ConcurrentRequests {
    /**
     * Writes in flight at once. fleetd's etcd registry commits the creates (and the desired states) that wait together
     * in one transaction, so more in flight means larger batches at the same etcd cost: 1,000 units on 4 machines
     * started in 21.4 s with 32 against 24.1 s with 16 (docs/benchmarks.md, "many"). 32 is as many as fleetd's API has
     * request threads; beyond it requests only queue in fleetd (64: 19.8 s, within the noise of a loaded host).
     */
    static final int IN_FLIGHT = 32;

    private ConcurrentRequests() {
    }

    /**
     * Runs every write, {@link #IN_FLIGHT} at a time (one at a time for a single write: no thread is started).
     *
     * @throws RuntimeException the first failure in list order, as its write threw it
     */
    static void runAll(List<Runnable> writes) {
        if (writes.size() <= 1) {
            for (Runnable w : writes) w.run();
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(IN_FLIGHT, writes.size()), r -> {
            Thread t = new Thread(r, "fleetctl-write");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<Boolean>> results = new ArrayList<>(writes.size());
        try {
            for (Runnable w : writes) {
                results.add(pool.submit(() -> {
                    if (failed.get()) return false; // a failure ended the batch before this write began
                    try {
                        w.run();
                        return true;
                    } catch (RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
            for (Future<Boolean> f : results) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while sending requests", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
