package org.fleetj.fleetd.api;

import java.util.concurrent.Semaphore;

/**
 * Bounds the memory that request bodies being received may hold together: each body reserves its declared size
 * (or the largest allowed size when it does not declare one) before a byte is buffered, and releases it once read.
 * A request that does not fit is answered 503 at once, naming the limit, instead of growing the heap: 32 clients
 * each sending 1 MiB cannot take fleetd past its memory.
 */
final class BodyBudget {
    /** Default: room for 8 bodies of the largest size at once; units are a few KiB, so this is never the limit in use. */
    static final int DEFAULT_BYTES = 8 * JettyApiHandler.MAX_BODY_BYTES;

    private final int capacity;
    private final Semaphore bytes;

    BodyBudget(int capacity) {
        if (capacity < JettyApiHandler.MAX_BODY_BYTES) throw new IllegalArgumentException("body budget below one full-size body: " + capacity);
        this.capacity = capacity;
        this.bytes = new Semaphore(capacity);
    }

    boolean tryReserve(int size) {
        return bytes.tryAcquire(size);
    }

    void release(int size) {
        bytes.release(size);
    }

    /** Bytes free now (for tests and the state dump). */
    int available() {
        return bytes.availablePermits();
    }

    String refusal(int size) {
        return "too many large request bodies are being received at once (" + capacity / (1 << 20) + " MiB in all); this one ("
                + size + " bytes) was not read: retry shortly";
    }
}
