package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies bytes as they come (flushing each chunk, so streamed output such as {@code journal -f} shows at once). */
final class Pump {
    private static final int CHUNK = 16 * 1024;

    private Pump() {
    }

    /** Copies until end of input; returns the byte count. */
    static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (n == 0) continue;
            out.write(buf, 0, n);
            out.flush();
            total += n;
        }
        return total;
    }

    /**
     * Copies on a daemon thread; {@code atEnd} runs when input ends or either side fails (e.g. to close
     * the output, which sends EOF on an SSH channel).
     */
    static Thread start(String name, InputStream in, OutputStream out, Runnable atEnd) {
        Thread t = new Thread(() -> {
            try {
                copy(in, out);
            } catch (IOException e) {
                // one side went away: the end of this stream, nothing else to report
            } finally {
                if (atEnd != null) atEnd.run();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            // closing what we are done with: nothing useful to report
        }
    }
}
