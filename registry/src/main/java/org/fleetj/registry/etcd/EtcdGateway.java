package org.fleetj.registry.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.RegistryMetrics;
import org.fleetj.registry.RegistryUnavailableException;
import org.fleetj.registry.WriteOutcomeUnknownException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.fleetj.registry.tls.PemFileException;
import org.fleetj.registry.tls.PemFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to etcd: runs each request with the configured timeout, counts it in {@link RegistryMetrics},
 * and turns jetcd/gRPC failures into typed registry exceptions naming the endpoints.
 *
 * <p>gRPC backs off reconnecting to an endpoint exponentially (up to two minutes), so after a long etcd
 * outage a channel can stay down long after etcd is back. When requests keep failing, the gateway therefore
 * replaces its jetcd client (at most every {@link #RENEW_INTERVAL}): a new channel connects at once. Watches
 * notice that their client was closed and resume on the new one.
 */
final class EtcdGateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EtcdGateway.class);
    static final Duration RENEW_INTERVAL = Duration.ofSeconds(3);
    private static final int MAX_INBOUND_BYTES = 512 * 1024 * 1024;

    private volatile boolean answeredOnce;
    private final EtcdConfig config;
    private final RegistryMetrics metrics;
    private final Object lock = new Object();
    private final AtomicLong knownRevision = new AtomicLong();
    private volatile Client client;
    private volatile long generation;
    private volatile long failingSinceNanos;
    private long renewedAtNanos = System.nanoTime();
    private volatile boolean closed;

    EtcdGateway(EtcdConfig config, RegistryMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.client = newClient();
    }

    EtcdConfig config() {
        return config;
    }

    /** The current jetcd client; it may be replaced after failures (see {@link #generation()}). */
    Client client() {
        if (closed) {
            throw new RegistryException("the etcd registry for " + config.endpointList() + " is closed");
        }
        return client;
    }

    /** Changes each time the client is replaced. */
    long generation() {
        return generation;
    }

    /**
     * The highest store revision seen in any answer so far (0 before the first one). Everything this client
     * read or wrote happened at or before it, so a watch starting after it misses nothing the caller saw.
     */
    long knownRevision() {
        return knownRevision.get();
    }

    /** Notes a revision seen outside {@link #call} (e.g. in a watch answer). */
    void observeRevision(long revision) {
        knownRevision.accumulateAndGet(revision, Math::max);
    }

    /** False while requests keep failing to reach etcd (since the last success). */
    boolean seemsReachable() {
        return failingSinceNanos == 0;
    }

    /** Counts a request made outside {@link #call} (watch streams). */
    void record(String op, long nanos, boolean failed) {
        metrics.record(op, nanos, failed);
    }

    /**
     * Runs one request of type {@code op} and waits for it at most the request timeout; until etcd has answered
     * once, at most {@link EtcdConfig#firstContactTimeout()}. fleetd sets that longer than etcd_request_timeout: its
     * first request pays for loading gRPC and Netty and opening the channel (over a second on a busy machine), and
     * timing such requests out one after another only delays a restarted fleetd's join, which is what could let
     * its units move. fleetctl keeps --request-timeout exactly.
     */
    <T> T call(String op, Function<Client, CompletableFuture<T>> request) {
        return call(op, answeredOnce ? config.requestTimeout() : config.firstContactTimeout(), request);
    }

    <T> T call(String op, Duration timeout, Function<Client, CompletableFuture<T>> request) {
        long start = System.nanoTime();
        boolean failed = true;
        CompletableFuture<T> future = null;
        try {
            future = request.apply(client());
            T result = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            failed = false;
            succeeded();
            if (result instanceof io.etcd.jetcd.Response r && r.getHeader() != null) {
                observeRevision(r.getHeader().getRevision());
            }
            return result;
        } catch (TimeoutException e) {
            future.cancel(true);
            failedToReach();
            RegistryUnavailableException timedOut = new RegistryUnavailableException("etcd at " + config.endpointList()
                    + " did not answer (" + op + ") within " + timeout.toMillis() + " ms");
            throw outcomeUnknownIfWrite(op, timedOut);
        } catch (ExecutionException e) {
            RegistryException mapped = translate(op, e.getCause());
            if (mapped instanceof LeaseNotFoundException) {
                succeeded(); // etcd answered: it just no longer knows the lease
            } else if (mapped instanceof RegistryUnavailableException unavailable) {
                failedToReach();
                throw outcomeUnknownIfWrite(op, unavailable);
            }
            throw mapped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (future != null) future.cancel(true);
            throw new RegistryUnavailableException("interrupted while waiting for etcd at " + config.endpointList() + " (" + op + ")", e);
        } finally {
            metrics.record(op, System.nanoTime() - start, failed);
        }
    }

    /** Requests that change etcd: once sent, a missing answer does not mean they were not applied. */
    private static final java.util.Set<String> WRITES = java.util.Set.of("txn", "put", "delete");

    /**
     * A write that was handed to etcd and then timed out or lost its connection may have been applied: say so
     * ({@link WriteOutcomeUnknownException}) rather than let a caller report "not done" for a change that happened.
     */
    static RegistryUnavailableException outcomeUnknownIfWrite(String op, RegistryUnavailableException e) {
        if (!WRITES.contains(op) || e instanceof WriteOutcomeUnknownException) return e;
        return new WriteOutcomeUnknownException(e.getMessage() + "; the change may have been applied: read it back before"
                + " retrying", e);
    }

    RegistryException translate(String op, Throwable cause) {
        Throwable t = cause;
        while (t != null) {
            if (t instanceof EtcdException ee) {
                return mapped(op, ee.getErrorCode().name(), ee.getMessage(), cause);
            }
            if (t instanceof StatusRuntimeException sre) {
                Status status = sre.getStatus();
                if (status.getCode() == Status.Code.UNAUTHENTICATED && status.getCause() != null) {
                    return authenticationFailed(op, status.getCause(), cause);
                }
                return mapped(op, status.getCode().name(), describe(status), cause);
            }
            t = t.getCause();
        }
        if (closed) {
            return new RegistryException("the etcd registry for " + config.endpointList() + " is closed", cause);
        }
        return new RegistryUnavailableException("etcd at " + config.endpointList() + " failed (" + op + "): " + cause, cause);
    }

    /** gRPC's description ("io exception") plus what lies under it ("Connection refused: /127.0.0.1:2379"). */
    private static String describe(Status status) {
        String text = String.valueOf(status.getDescription());
        Throwable root = status.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null && !text.contains(root.getMessage())) {
            text += " (" + root.getMessage() + ")";
        }
        return text;
    }

    /** jetcd reports a failed login as UNAUTHENTICATED, also when the login request itself could not reach etcd. */
    private RegistryException authenticationFailed(String op, Throwable loginFailure, Throwable cause) {
        Status login = Status.fromThrowable(loginFailure);
        if (isConnectivity(login.getCode())) {
            return new RegistryUnavailableException("etcd at " + config.endpointList() + " failed (" + op + "): could not log in as "
                    + config.username().orElse("?") + ": " + login.getCode() + " " + login.getDescription(), cause);
        }
        return new RegistryException("etcd at " + config.endpointList() + " refused the credentials of user "
                + config.username().orElse("?") + " (" + op + "): " + (login.getDescription() != null ? login.getDescription()
                : loginFailure.getMessage()), cause);
    }

    private RegistryException mapped(String op, String code, String message, Throwable cause) {
        String text = "etcd at " + config.endpointList() + " failed (" + op + "): " + code + " " + message;
        if (message != null && message.contains("lease not found")) {
            return new LeaseNotFoundException(text, cause);
        }
        return switch (code) {
            case "UNAVAILABLE", "DEADLINE_EXCEEDED", "CANCELLED", "ABORTED", "UNKNOWN", "INTERNAL", "RESOURCE_EXHAUSTED" ->
                    new RegistryUnavailableException(text, cause);
            default -> new RegistryException(text, cause);
        };
    }

    /** etcd answered something outside {@link #call} (a watch stream was created). */
    void reached() {
        succeeded();
    }

    private void succeeded() {
        answeredOnce = true;
        if (failingSinceNanos != 0) {
            synchronized (lock) {
                failingSinceNanos = 0;
            }
        }
    }

    /** Called when etcd could not be reached; replaces the client when that has gone on for a while. */
    void failedToReach() {
        Client old;
        synchronized (lock) {
            long now = System.nanoTime();
            if (failingSinceNanos == 0) {
                failingSinceNanos = now;
                return;
            }
            if (closed || now - failingSinceNanos < RENEW_INTERVAL.toNanos() || now - renewedAtNanos < RENEW_INTERVAL.toNanos()) {
                return;
            }
            renewedAtNanos = now;
            old = client;
            client = newClient();
            generation++;
        }
        log.info("etcd at {} unreachable for a while: reconnecting with a new client", config.endpointList());
        try {
            old.close();
        } catch (RuntimeException e) {
            log.debug("closing the old etcd client failed: {}", e.toString());
        }
    }

    private Client newClient() {
        ClientBuilder b = Client.builder()
                .endpoints(config.endpoints().toArray(java.net.URI[]::new))
                .connectTimeout(config.requestTimeout())
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                // fail fast instead of queueing while no endpoint is reachable: callers retry on their own terms
                .waitForReady(false)
                // one quick retry (e.g. after an expired auth token was refreshed); the request timeout bounds it all
                .retryMaxAttempts(1)
                .retryDelay(100)
                .retryMaxDelay(500)
                // notice a hung member (stream open, nothing answers) within ~15 s, so watches move to another one
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5));
        config.authority().ifPresent(b::authority);
        config.username().ifPresent(u -> b.user(EtcdKeys.bytes(u)));
        config.password().ifPresent(p -> b.password(EtcdKeys.bytes(p)));
        if (config.tls()) {
            try {
                // read here rather than by Netty, so etcd's files take the same key formats as fleetd's and fleetctl's
                X509Certificate[] trusted = config.caFile().isEmpty() ? null
                        : PemFiles.certificates(config.caFile().get(), "etcd CA file").toArray(new X509Certificate[0]);
                PrivateKey key = config.keyFile().isEmpty() ? null : PemFiles.privateKey(config.keyFile().get(), "etcd key file");
                X509Certificate[] chain = config.certFile().isEmpty() ? null
                        : PemFiles.certificates(config.certFile().get(), "etcd certificate file").toArray(new X509Certificate[0]);
                b.sslContext(ssl -> {
                    if (trusted != null) {
                        ssl.trustManager(trusted);
                    }
                    if (key != null && chain != null) {
                        ssl.keyManager(key, chain);
                    }
                });
            } catch (PemFileException e) {
                throw new RegistryException("cannot set up TLS for etcd: " + e.getMessage(), e);
            } catch (SSLException e) {
                throw new RegistryException("cannot set up TLS for etcd with the given CA/certificate/key files: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** True when {@code status} says the server could not be reached (as opposed to refusing the request). */
    static boolean isConnectivity(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED;
    }

    @Override
    public void close() {
        closed = true;
        client.close();
    }

    /** etcd no longer knows the lease (it expired or was revoked). */
    static final class LeaseNotFoundException extends RegistryUnavailableException {
        private static final long serialVersionUID = 1L;

        LeaseNotFoundException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
