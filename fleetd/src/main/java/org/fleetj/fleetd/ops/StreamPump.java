package org.fleetj.fleetd.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
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
    private final Set<Source> live = ConcurrentHashMap.newKeySet();

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
    void start(Source source, String contentType, Response response, Callback callback) {
        live.add(source);
        int[] exit = {-1};
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.setTrailersSupplier(() -> HttpFields.build().put(EXIT_TRAILER, Integer.toString(exit[0])));
        threads.execute(() -> {
            try {
                copy(source, response);
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

    private void copy(Source source, Response response) throws IOException, InterruptedException, ExecutionException, TimeoutException {
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
        }
    }

    @Override
    public void close() {
        live.forEach(Source::abort);
        threads.shutdownNow();
    }
}
