package org.fleetj.fleetd.systemd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.fleetj.registry.support.Backoff;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the D-Bus connection to systemd. The first connection must succeed (a wrong address is a
 * configuration error, reported at once); a connection that drops later (dbus-daemon restarted,
 * socket gone) is re-opened in the background with exponential backoff, and the session setup
 * (signal match + Subscribe) is run again on the new connection.
 */
final class ReconnectingBus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingBus.class);

    /** Prepares a fresh connection (signal handlers, Subscribe). Runs on every (re)connect. */
    interface SessionSetup {
        void prepare(DBusConnection connection) throws DBusException;
    }

    private static final int CONNECT_RETRY_MS = 1000;

    private final BusTarget target;
    private final Backoff backoff;
    private final SessionSetup setup;
    private final Consumer<BusConnectionEvent> events;
    private final ScheduledExecutorService reconnector;
    private final Object lock = new Object();
    // guarded by lock
    private DBusConnection connection;
    private boolean reconnecting;
    private boolean closed;
    private long lostAtNanos;

    ReconnectingBus(BusTarget target, Duration initialDelay, Duration maxDelay, SessionSetup setup,
                    Consumer<BusConnectionEvent> events) {
        this.target = Objects.requireNonNull(target, "target");
        this.backoff = new Backoff(initialDelay, maxDelay);
        this.setup = setup;
        this.events = events;
        this.reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "systemd-bus-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the first connection; throws {@link SystemdUnavailableException} naming the bus if it cannot. */
    void open() {
        DBusConnection c;
        try {
            c = connectAndPrepare();
        } catch (DBusException | DBusExecutionException e) {
            throw new SystemdUnavailableException("cannot connect to systemd over the " + target.describe()
                    + ": " + causeText(e), e);
        }
        synchronized (lock) {
            connection = c;
        }
        LOG.info("connected to systemd over the {}", target.describe());
        emit(BusConnectionEvent.Kind.CONNECTED, "");
    }

    /** The live connection, or {@link SystemdUnavailableException} while there is none. */
    DBusConnection current() {
        DBusConnection dead;
        synchronized (lock) {
            if (closed) {
                throw new SystemdUnavailableException("systemd connection is closed", null);
            }
            if (connection != null && connection.isConnected()) {
                return connection;
            }
            dead = connection;
        }
        // the library did not tell us (no callback), but the connection is dead: same as a loss
        connectionLost(dead, new IOException("connection found disconnected"));
        throw new SystemdUnavailableException("not connected to systemd over the " + target.describe()
                + " (reconnecting)", null);
    }

    String describe() {
        return target.describe();
    }

    private DBusConnection connectAndPrepare() throws DBusException {
        requireSocketFile(target.address());
        LossDetector detector = new LossDetector();
        DBusConnection c = DBusConnectionBuilder.forAddress(target.address())
                .withShared(false)
                .withDisconnectCallback(detector)
                // dbus-java retries a refused connect every 500 ms for this long (default 10 s);
                // our own backoff loop does the retrying, so fail fast here
                .transportConfig().withTimeout(CONNECT_RETRY_MS).back()
                .build();
        detector.connection = c;
        try {
            setup.prepare(c);
            return c;
        } catch (DBusException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * A missing socket file is the commonest wrong address (and what a restarting dbus-daemon looks
     * like); dbus-java would spend its whole connect timeout on it, so fail at once with the path.
     */
    private static void requireSocketFile(String address) throws DBusException {
        if (!address.startsWith("unix:path=") || address.contains(";")) {
            return;
        }
        String rest = address.substring("unix:path=".length());
        int comma = rest.indexOf(',');
        Path socket = Path.of(comma < 0 ? rest : rest.substring(0, comma));
        if (!Files.exists(socket)) {
            throw new DBusException("no D-Bus socket at " + socket);
        }
    }

    private void connectionLost(DBusConnection lost, IOException cause) {
        DBusConnection old;
        synchronized (lock) {
            // a late callback from an older connection must not tear down the current one
            if (closed || reconnecting || lost == null || lost != connection) {
                return;
            }
            reconnecting = true;
            lostAtNanos = System.nanoTime();
            old = connection;
            connection = null;
        }
        LOG.warn("lost the connection to systemd over the {}: {}; reconnecting", target.describe(), causeText(cause));
        emit(BusConnectionEvent.Kind.LOST, causeText(cause));
        reconnector.execute(() -> closeQuietly(old));
        backoff.reset();
        scheduleAttempt(backoff.next(), 1);
    }

    private void scheduleAttempt(Duration delay, int attempt) {
        try {
            reconnector.schedule(() -> attempt(attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void attempt(int attempt) {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        DBusConnection c;
        try {
            c = connectAndPrepare();
        } catch (DBusException | RuntimeException e) {
            Duration next = backoff.next();
            if (attempt == 1 || attempt % 10 == 0) {
                LOG.warn("reconnect to systemd over the {} failed (attempt {}): {}; next in {} ms",
                        target.describe(), attempt, causeText(e), next.toMillis());
            }
            scheduleAttempt(next, attempt + 1);
            return;
        }
        long outageMs;
        synchronized (lock) {
            if (closed) {
                closeQuietly(c);
                return;
            }
            connection = c;
            reconnecting = false;
            outageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAtNanos);
        }
        LOG.info("reconnected to systemd over the {} after {} ms ({} attempt(s))", target.describe(), outageMs, attempt);
        emit(BusConnectionEvent.Kind.RECONNECTED, "outage " + outageMs + " ms");
    }

    private void emit(BusConnectionEvent.Kind kind, String detail) {
        try {
            events.accept(new BusConnectionEvent(kind, target.describe(), detail));
        } catch (RuntimeException e) {
            LOG.warn("bus connection listener failed on {}: {}", kind, e.toString(), e);
        }
    }

    @Override
    public void close() {
        DBusConnection c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            c = connection;
            connection = null;
        }
        reconnector.shutdownNow();
        closeQuietly(c);
    }

    private static void closeQuietly(DBusConnection c) {
        if (c == null) {
            return;
        }
        try {
            c.disconnect();
        } catch (RuntimeException e) {
            LOG.debug("closing a D-Bus connection: {}", e.toString());
        }
    }

    static String causeText(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        while (t != null) {
            String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
            if (sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.toString();
    }

    /** dbus-java calls this from its reader thread when the socket fails. */
    private final class LossDetector implements IDisconnectCallback {
        private volatile DBusConnection connection;

        @Override
        public void disconnectOnError(IOException e) {
            connectionLost(connection, e);
        }
    }
}
