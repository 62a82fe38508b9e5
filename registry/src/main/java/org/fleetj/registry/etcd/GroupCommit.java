package org.fleetj.registry.etcd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.fleetj.registry.RegistryException;

/**
 * Group commit of per-unit writes: a write that arrives while a batch is being committed waits for the next batch, so
 * concurrent writes (fleetctl sends a command's writes 32 at a time) share etcd requests instead of costing their own.
 * A lone write waits for nothing (there is no timer). A batch holds each unit at most once (etcd refuses a transaction
 * that writes a key twice; a second write to a unit waits for the next batch) and at most a given number of writes.
 *
 * <p>Each write is answered on its own: the batch's commit completes each write's answer; a failure of the commit as a
 * whole (etcd unreachable, a transaction not confirmed in time) is the answer of every write of the batch that the
 * commit had not answered yet, which is what each would have been told alone.
 *
 * @param <W> a write waiting for its answer
 */
final class GroupCommit<W extends GroupCommit.Write<?>> {
    /** One write: the unit it is for and its answer, completed by the batch's commit. */
    abstract static class Write<T> {
        final String unit;
        final CompletableFuture<T> answer = new CompletableFuture<>();

        Write(String unit) {
            this.unit = unit;
        }
    }

    private final Executor committer;
    private final int batchLimit;
    private final Function<List<W>, List<W>> commit;
    private final ArrayDeque<W> queue = new ArrayDeque<>();
    private boolean committing;

    /**
     * @param committer  runs the commits, one batch after another until none waits
     * @param batchLimit the most writes in one batch
     * @param commit     commits a batch, answering each write it settles; returns the writes to try again first in the
     *                   next batch (e.g. a compare that failed)
     */
    GroupCommit(Executor committer, int batchLimit, Function<List<W>, List<W>> commit) {
        this.committer = committer;
        this.batchLimit = batchLimit;
        this.commit = commit;
    }

    /** Queues the write and blocks until it is answered; its answer, or the exception it was answered with. */
    <T> T submit(W write, Class<T> type) {
        boolean start;
        synchronized (queue) {
            queue.addLast(write);
            start = !committing;
            committing = true;
        }
        if (start) {
            try {
                committer.execute(this::drain);
            } catch (RejectedExecutionException e) {
                failAll(new RegistryException("the etcd registry is closed; nothing was written for unit " + write.unit, e));
            }
        }
        try {
            return type.cast(write.answer.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        }
    }

    /** How many writes wait for a batch. */
    int waiting() {
        synchronized (queue) {
            return queue.size();
        }
    }

    private void drain() {
        while (true) {
            List<W> batch;
            synchronized (queue) {
                batch = take();
                if (batch.isEmpty()) {
                    committing = false;
                    return;
                }
            }
            List<W> again;
            try {
                again = commit.apply(batch);
            } catch (RuntimeException e) {
                batch.forEach(w -> w.answer.completeExceptionally(e));
                continue;
            } catch (Error e) {
                // answered, never left waiting: a caller blocked on a write that no commit will answer would hang its
                // API request, and every later write behind a committer that is gone
                RegistryException failed = new RegistryException("the write could not be committed: " + e, e);
                batch.forEach(w -> w.answer.completeExceptionally(failed));
                failAll(failed);
                throw e;
            }
            synchronized (queue) {
                for (int i = again.size() - 1; i >= 0; i--) queue.addFirst(again.get(i));
            }
        }
    }

    /** The next batch: the oldest writes, one per unit. */
    private List<W> take() {
        List<W> batch = new ArrayList<>();
        Set<String> units = new HashSet<>();
        for (Iterator<W> it = queue.iterator(); it.hasNext() && batch.size() < batchLimit; ) {
            W w = it.next();
            if (units.add(w.unit)) {
                batch.add(w);
                it.remove();
            }
        }
        return batch;
    }

    private void failAll(RuntimeException e) {
        List<W> left;
        synchronized (queue) {
            left = new ArrayList<>(queue);
            queue.clear();
            committing = false;
        }
        left.forEach(w -> w.answer.completeExceptionally(e));
    }
}
