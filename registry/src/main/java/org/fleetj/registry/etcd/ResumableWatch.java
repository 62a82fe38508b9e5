package org.fleetj.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.Subscription;
import org.fleetj.registry.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch on a key or key prefix that survives everything: broken streams, etcd restarts, a member going away,
 * the gateway replacing its client, compaction. It remembers the last revision whose events it delivered and
 * resumes right after it, so no event is missed or delivered twice. Only when that revision was compacted away
 * (the events are gone) does it start again from the current revision and say so by calling {@code onChange}
 * once. {@code onChange} also runs after every re-established stream (level-triggered: "re-read"), never on the
 * first one of a watch that started from a known revision.
 *
 * <p>All state lives on the runtime's single watch thread; jetcd's callbacks only hand over to it, so no lock
 * is ever held while calling jetcd (whose watch client has locks of its own).
 */
final class ResumableWatch implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(ResumableWatch.class);
    private static final Duration RETRY_FIRST = Duration.ofMillis(100);
    private static final Duration RETRY_CAP = Duration.ofSeconds(2);
    private static final long SETTLE_MILLIS = 200;

    /** Sees every event exactly once, in order (tests use it to prove that). */
    interface EventSink {
        void events(List<WatchEvent> events);
    }

    private final EtcdRuntime rt;
    private final ByteSequence key;
    private final boolean prefix;
    private final String name;
    private final Runnable onChange;
    private final EventSink sink;

    // confined to rt.watchLoop()
    private long lastRevision;
    private boolean notifyWhenEstablished;
    private Watch.Watcher watcher;
    private long stream;
    private boolean established;
    private long connectStartedNanos;
    private int failures;
    private final Backoff backoff = new Backoff(RETRY_FIRST, RETRY_CAP);
    private ScheduledFuture<?> timer;
    private boolean held;
    private volatile boolean closed;

    private ResumableWatch(EtcdRuntime rt, ByteSequence key, boolean prefix, String name, Runnable onChange, EventSink sink) {
        this.rt = rt;
        this.key = key;
        this.prefix = prefix;
        this.name = name;
        this.onChange = onChange;
        this.sink = sink;
    }

    /**
     * Starts watching after the last revision this client has seen, so nothing the caller read before is missed.
     * A client that has not talked to etcd yet first asks for the current revision (one count-only request);
     * if etcd cannot be reached the watch starts from whatever is current once it can, and then calls
     * {@code onChange}. Blocks only for that one request, and never once etcd is known to be unreachable.
     */
    static ResumableWatch start(EtcdRuntime rt, ByteSequence key, boolean prefix, String name, Runnable onChange, EventSink sink) {
        ResumableWatch w = new ResumableWatch(rt, key, prefix, name, onChange, sink);
        if (rt.gateway().knownRevision() == 0 && rt.gateway().seemsReachable()) {
            try {
                GetOption countOnly = GetOption.builder().isPrefix(prefix).withCountOnly(true).build();
                rt.gateway().call("range", c -> c.getKVClient().get(key, countOnly)); // its answer carries the revision
            } catch (RegistryException e) {
                log.debug("watch of {}: current revision unknown ({}); starting from the revision current once etcd answers",
                        name, e.getMessage());
            }
        }
        long known = rt.gateway().knownRevision();
        w.onLoop(() -> {
            w.lastRevision = known;
            w.notifyWhenEstablished = known == 0;
            w.connect();
        });
        return w;
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        closed = true;
        onLoop(this::closeStream);
    }

    // ---- test hooks -------------------------------------------------------------------------

    /** Drops the stream and holds off reconnecting until {@link #release()} (a long disconnection, on demand). */
    void hold() {
        onLoop(() -> {
            held = true;
            closeStream();
        });
    }

    void release() {
        onLoop(() -> {
            held = false;
            notifyWhenEstablished = true;
            connect();
        });
    }

    /** The revision up to which every event was delivered (read on the watch thread, for tests). */
    long lastRevisionForTest() {
        try {
            return rt.watchLoop().submit(() -> lastRevision).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("watch thread did not answer", e);
        }
    }

    // ---- the state machine (watch thread) ------------------------------------------------------

    private void connect() {
        if (closed || held) {
            return;
        }
        closeStream();
        Client client;
        try {
            client = rt.gateway().client();
        } catch (RegistryException e) {
            return; // the registry is closed
        }
        long id = ++stream;
        established = false;
        connectStartedNanos = System.nanoTime();
        WatchOption option = WatchOption.builder()
                .isPrefix(prefix)
                .withRevision(lastRevision > 0 ? lastRevision + 1 : 0)
                .withCreateNotify(true)
                .withProgressNotify(true)
                .withRequireLeader(true)
                .build();
        try {
            watcher = client.getWatchClient().watch(key, option, new Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                    onLoop(() -> received(id, response));
                }

                @Override
                public void onError(Throwable error) {
                    onLoop(() -> failed(id, error));
                }

                @Override
                public void onCompleted() {
                    onLoop(() -> failed(id, null));
                }
            });
        } catch (RuntimeException e) {
            failed(id, e);
            return;
        }
        // a stream to a hung member never says "created": give up on it and try again (maybe elsewhere)
        Duration patience = rt.gateway().config().requestTimeout().multipliedBy(2);
        timer = rt.watchLoop().schedule(() -> {
            if (id == stream && !established && !closed) {
                failed(id, new RegistryException("no answer within " + patience.toMillis() + " ms"));
            }
        }, patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void received(long id, WatchResponse response) {
        if (id != stream || closed) {
            return;
        }
        long headerRevision = response.getHeader().getRevision();
        if (response.isCreatedNotify()) {
            established = true;
            failures = 0;
            backoff.reset();
            cancelTimer();
            rt.gateway().record("watch", System.nanoTime() - connectStartedNanos, false);
            rt.gateway().reached();
            if (lastRevision == 0) {
                lastRevision = headerRevision; // started from "now": everything after it comes as events
            }
            if (notifyWhenEstablished) {
                notifyWhenEstablished = false;
                if (lastRevision == headerRevision) {
                    onChange.run();
                } else {
                    // etcd says "created" before it says "compacted": wait a moment so a compaction wakes once, not twice
                    rt.watchLoop().schedule(() -> {
                        if (id == stream && !closed) {
                            onChange.run();
                        }
                    }, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
            return;
        }
        List<WatchEvent> events = response.getEvents();
        if (!events.isEmpty()) {
            long newest = lastRevision;
            for (WatchEvent e : events) {
                newest = Math.max(newest, e.getKeyValue().getModRevision());
            }
            lastRevision = newest;
            rt.gateway().observeRevision(newest);
            if (sink != null) {
                sink.events(events);
            }
            onChange.run();
        } else if (response.isProgressNotify()) {
            // every event up to the header revision has been sent: resuming later may skip ahead
            lastRevision = Math.max(lastRevision, headerRevision);
        }
    }

    private void failed(long id, Throwable error) {
        if (id != stream || closed) {
            return;
        }
        closeStream();
        if (!established) {
            rt.gateway().record("watch", System.nanoTime() - connectStartedNanos, true);
        }
        if (isCompaction(error)) {
            log.info("watch of {}: revision {} was compacted away; re-reading and watching from the current revision",
                    name, lastRevision + 1);
            lastRevision = 0;
            notifyWhenEstablished = true;
            onLoop(this::connect);
            return;
        }
        failures++;
        if (!established || isConnectivity(error)) {
            rt.gateway().failedToReach(); // lets the gateway replace a client whose channel stopped retrying soon
        }
        if (failures == 1 && error != null && String.valueOf(error.getMessage()).contains("permission denied")) {
            log.warn("watch of {} refused by etcd ({}); retrying", name, error.getMessage());
        } else if (failures == 1 && established) {
            log.info("watch of {} interrupted ({}); resuming after revision {}", name, describe(error), lastRevision);
        } else {
            log.debug("watch of {} could not be (re)established ({}); attempt {}", name, describe(error), failures);
        }
        notifyWhenEstablished = true;
        timer = rt.watchLoop().schedule(this::connect, backoff.next().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static boolean isCompaction(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CompactedException) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("compacted")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectivity(Throwable error) {
        if (error == null) {
            return false;
        }
        io.grpc.Status.Code code = io.grpc.Status.fromThrowable(error).getCode();
        if (error instanceof io.etcd.jetcd.common.exception.EtcdException ee) {
            return "UNAVAILABLE".equals(ee.getErrorCode().name()) || "DEADLINE_EXCEEDED".equals(ee.getErrorCode().name());
        }
        return EtcdGateway.isConnectivity(code);
    }

    private static String describe(Throwable error) {
        return error == null ? "stream closed" : error.getMessage();
    }

    private void closeStream() {
        cancelTimer();
        Watch.Watcher w = watcher;
        watcher = null;
        stream++;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                log.debug("closing a watch stream failed: {}", e.toString());
            }
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onLoop(Runnable r) {
        try {
            rt.watchLoop().execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("watch of {} failed: {}", name, e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            // registry closed
        }
    }

    @Override
    public String toString() {
        return "watch of " + name;
    }
}
