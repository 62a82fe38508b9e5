package org.fleetj.fleetd.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a command's output (here, or relayed from another fleetd) into an HTTP response as it arrives, on a
 * thread of its own so a follower never holds one of the API's request threads.
 *
 * <p>Bounded: at most {@code maxStreams} at once (more get 429), one 8 KiB buffer each, and a client that stops
 * reading is cut off after {@code writeStall}: its write does not complete, the pump gives up, kills the command
 * and frees the slot. The command's own output waits in its pipe meanwhile (the kernel's 64 KiB), so nothing
 * piles up in fleetd. The command's exit status goes to the client as the HTTP trailer {@value #EXIT_TRAILER}.
 */
final class StreamPump implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamPump.class);
    static final String EXIT_TRAILER = "Fleet-Exit-Status";
    private static final int BUFFER = 8192;
    /** Pump threads only copy bytes: a small stack keeps 100s of followers cheap. */
    private static final long STACK_BYTES = 256 * 1024;
    static final Duration QUIET_CHECK = Duration.ofSeconds(2);

    /** Where the bytes come from and how to stop it. */
    interface Source {
        InputStream input();

        /** The exit status, once the input ended. */
        int exitStatus() throws IOException, InterruptedException;

        /** Stops the command (client gone, or fleetd closing). */
        void abort();
    }

    private final Semaphore slots;
    private final int maxStreams;
    private final Duration writeStall;
    private final ExecutorService threads;
    /** Every stream running, with its connection and when it last wrote. */
    private final Map<Source, Stream> live = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog;
    private final AtomicBoolean watching = new AtomicBoolean();

    /** One running stream: its client's connection, and when the pump last wrote to it. */
    private static final class Stream {
        final EndPoint client;
        volatile long lastWriteNanos = System.nanoTime();

        Stream(EndPoint client) {
            this.client = client;
        }
    }

    StreamPump(int maxStreams, Duration writeStall) {
        this.maxStreams = maxStreams;
        this.slots = new Semaphore(maxStreams);
        this.writeStall = writeStall;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(null, r, "fleetd-stream-" + n.incrementAndGet(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        };
        this.threads = Executors.newCachedThreadPool(factory);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleetd-stream-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A client that closes its connection while the command prints nothing (journal -f of an idle unit) would
     * otherwise be noticed only at the next line: nobody reads the connection while the response streams. For
     * streams quiet for {@link #QUIET_CHECK}, this peeks at the connection without blocking; end-of-stream
     * means the client is gone, and the command is stopped.
     */
    private void closeAbandoned() {
        long now = System.nanoTime();
        live.forEach((source, stream) -> {
            if (now - stream.lastWriteNanos < QUIET_CHECK.toNanos()) return;
            try {
                if (!stream.client.isOpen() || stream.client.fill(BufferUtil.allocate(1)) < 0) {
                    LOG.debug("a journal/status client closed its connection: stream stopped");
                    source.abort();
                }
            } catch (IOException | RuntimeException e) {
                source.abort();
            }
        });
    }

    /** Takes a slot for one more stream, or refuses with 429. Pair with {@link #start} or {@link #release}. */
    void reserve() throws OpsException {
        if (!slots.tryAcquire()) {
            throw new OpsException(429, "too many journal and status streams on this fleetd (" + maxStreams + " at once); retry later");
        }
    }

    void release() {
        slots.release();
    }

    int active() {
        return maxStreams - slots.availablePermits();
    }

    /** Streams {@code source} as the 200 response (the slot taken by {@link #reserve} is released at the end). */
    void start(Source source, String contentType, Request request, Response response, Callback callback) {
        Stream stream = new Stream(request.getConnectionMetaData().getConnection().getEndPoint());
        live.put(source, stream);
        // the watchdog's thread starts with the first stream: a fleetd nobody asks for journals keeps no thread for it
        if (watching.compareAndSet(false, true)) {
            watchdog.scheduleWithFixedDelay(this::closeAbandoned, QUIET_CHECK.toMillis(), QUIET_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        }
        request.addFailureListener(failure -> source.abort());
        // a journal -f of a quiet unit sends nothing for as long as the unit says nothing: the listener's idle timeout
        // must not end it. Gone and stalled clients are this pump's to notice (closeAbandoned, the write stall).
        request.addIdleTimeoutListener(timeout -> false);
        int[] exit = {-1};
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.setTrailersSupplier(() -> HttpFields.build().put(EXIT_TRAILER, Integer.toString(exit[0])));
        threads.execute(() -> {
            try {
                // the head goes out at once: a follower of a quiet unit (lines=0) gets its 200 before the first line,
                // and a relaying fleetd or fleetctl waiting for the head does not time out meanwhile
                FutureCallback head = new FutureCallback();
                response.write(false, BufferUtil.EMPTY_BUFFER, head);
                head.get(writeStall.toMillis(), TimeUnit.MILLISECONDS);
                copy(source, stream, response);
                exit[0] = source.exitStatus();
                FutureCallback last = new FutureCallback();
                response.write(true, null, last);
                last.get(writeStall.toMillis(), TimeUnit.MILLISECONDS);
                callback.succeeded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                source.abort();
                callback.failed(e);
            } catch (Exception e) {
                source.abort();
                LOG.debug("stream ended early: {}", e.toString());
                callback.failed(e);
            } finally {
                live.remove(source);
                source.abort();
                slots.release();
            }
        });
    }

    private void copy(Source source, Stream stream, Response response) throws IOException, InterruptedException, ExecutionException, TimeoutException {
        byte[] buffer = new byte[BUFFER];
        InputStream in = source.input();
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (n == 0) continue;
            FutureCallback written = new FutureCallback();
            response.write(false, ByteBuffer.wrap(buffer, 0, n), written);
            try {
                written.get(writeStall.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.info("a client stopped reading a journal/status stream for {} s: stream closed", writeStall.toSeconds());
                throw e;
            }
            stream.lastWriteNanos = System.nanoTime();
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        live.keySet().forEach(Source::abort);
        threads.shutdownNow();
    }
}
