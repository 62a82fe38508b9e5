package org.fleetj.fleetd.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fleetd's HTTP API (fleet v1, under {@code /fleet/v1} and {@code /v1-alpha}, plus {@code /metrics}),
 * served by Jetty on the unix socket, the configured TCP listeners, and a socket handed over by systemd.
 *
 * <p>Lifecycle: construct, {@link #start()} (throws {@link ApiServerException} naming what could not be
 * opened; nothing stays open then), {@link #close()} (stops listening and removes the socket file it
 * created). Not restartable.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_THREADS = 32;
    /**
     * Per listener: no acceptor thread (its selector accepts, non-blocking) and one selector. fleetd serves a few
     * requests a second at most; an acceptor would be one more parked thread per listener (docs/benchmarks.md,
     * fleetd footprint).
     */
    private static final int ACCEPTORS = 0;
    private static final int SELECTORS = 1;
    /** The listeners' selectors; request threads are started when requests come and end after a minute idle. */
    private static final int MIN_THREADS = 2;
    /** Bytes per second below which a request body's sender is disconnected (fleetctl sends its body at once). */
    static final long MIN_REQUEST_DATA_RATE = 1024;
    /** A connection that sends nothing for this long is closed. */
    static final long IDLE_TIMEOUT_MS = 30_000;

    private final ApiConfig config;
    private final SocketActivation activation;
    private final Server server;
    private final HttpConfiguration http;
    private Path ownSocket;
    private Optional<Path> unixSocket = Optional.empty();
    private final List<URI> tcpEndpoints = new ArrayList<>();
    private boolean started;

    /** A server that also takes over a socket from systemd when fleetd was socket-activated. */
    public ApiServer(Registry registry, ApiConfig config, FleetMetrics metrics) {
        this(registry, config, metrics, SocketActivation.fromEnvironment());
    }

    public ApiServer(Registry registry, ApiConfig config, FleetMetrics metrics, SocketActivation activation) {
        this(registry, config, metrics, activation, ApiExtension.NONE);
    }

    /**
     * @param extension wraps fleet's v1 handler with what fleetd serves beside it (access control, the journal
     *                  and status endpoints, the dashboard); fleet's own routes stay as they are
     */
    public ApiServer(Registry registry, ApiConfig config, FleetMetrics metrics, SocketActivation activation, ApiExtension extension) {
        Objects.requireNonNull(registry, "registry");
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(metrics, "metrics");
        metrics.exportRegistryMetrics(registry.metrics());
        this.activation = Objects.requireNonNull(activation, "activation");
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("fleetd-api");
        server = new Server(threads);
        server.setStopTimeout(2_000);
        http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        // fleet's clients send systemd-escaped unit names ("foo\\x2d1.service", a backslash), and fleet answers an
        // unclean path ("//units") with a redirect: let both through to the handler instead of refusing them
        http.setUriCompliance(UriCompliance.DEFAULT.with("fleet",
                UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS, UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        // a client that sends its body slower than this is cut off (its connection, never a thread, was waiting)
        http.setMinRequestDataRate(MIN_REQUEST_DATA_RATE);
        // header values as sent: fleet compares Content-Type case-sensitively ("Application/JSON" is refused)
        http.setHeaderCacheCaseSensitive(true);
        http.setIdleTimeout(IDLE_TIMEOUT_MS);
        // exposes a TLS client's certificate to the handlers (EndPoint.SslSessionData), for access roles
        SecureRequestCustomizer secure = new SecureRequestCustomizer(false);
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        server.setHandler(extension.wrap(new JettyApiHandler(new ApiRouter(registry, config.tokenLimit(), metrics), config.serverHeader(), metrics,
                new BodyBudget(BodyBudget.DEFAULT_BYTES))));
        server.setErrorHandler(new JsonErrorHandler(config.serverHeader()));
    }

    /** Opens every listener and starts serving. */
    public synchronized void start() throws ApiServerException {
        if (started) throw new IllegalStateException("API server already started");
        started = true;
        try {
            addListeners();
            server.start();
            for (var c : server.getConnectors()) {
                if (c instanceof ServerConnector sc) {
                    String scheme = sc.getDefaultConnectionFactory() instanceof SslConnectionFactory ? "https" : "http";
                    String host = sc.getHost() == null ? "0.0.0.0" : sc.getHost();
                    tcpEndpoints.add(URI.create(scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + sc.getLocalPort()));
                }
            }
            if (ownSocket != null) UnixSocketFile.restrict(ownSocket, config.socketMode(), config.socketGroup());
        } catch (ApiServerException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new ApiServerException("cannot start the API server: " + describe(e), e);
        }
        LOG.info("API listening on {}{} (token_limit={})", unixSocket.map(p -> "unix://" + p + " ").orElse(""), tcpEndpoints, config.tokenLimit());
    }

    private void addListeners() throws ApiServerException {
        Optional<Path> inheritedPath = Optional.empty();
        if (activation.inherited().isPresent()) {
            inheritedPath = adoptInherited(activation.inherited().get());
        } else if (activation.listenFds() > 0) {
            throw new ApiServerException("systemd passed " + activation.listenFds() + " socket(s) in LISTEN_FDS, but the JVM can only"
                    + " take over a socket given as standard input: add StandardInput=socket to fleet.service (with a single"
                    + " ListenStream= in the socket unit), or drop the socket unit and let fleetd open api_socket/listen itself");
        }
        if (config.socketPath().isPresent() && !inheritedPath.map(p -> samePath(p, config.socketPath().get())).orElse(false)) {
            Path path = config.socketPath().get();
            UnixSocketFile.prepare(path);
            UnixDomainServerConnector unix = new UnixDomainServerConnector(server, ACCEPTORS, SELECTORS, httpFactory());
            unix.setUnixDomainPath(path);
            unix.setIdleTimeout(IDLE_TIMEOUT_MS);
            server.addConnector(unix);
            ownSocket = path;
            unixSocket = Optional.of(path);
        }
        for (ListenAddress address : config.listen()) {
            ServerConnector tcp = address.tls()
                    ? new ServerConnector(server, ACCEPTORS, SELECTORS, tlsFactories())
                    : new ServerConnector(server, ACCEPTORS, SELECTORS, httpFactory());
            tcp.setHost(address.host());
            tcp.setPort(address.port());
            tcp.setIdleTimeout(IDLE_TIMEOUT_MS);
            server.addConnector(tcp);
        }
    }

    /** Serves on the socket systemd passed as standard input; its path, when it is a unix socket. */
    private Optional<Path> adoptInherited(ServerSocketChannel channel) throws ApiServerException {
        try {
            var local = channel.getLocalAddress();
            AbstractConnector connector;
            Optional<Path> path = Optional.empty();
            if (local instanceof UnixDomainSocketAddress unixAddress) {
                UnixDomainServerConnector unix = new UnixDomainServerConnector(server, ACCEPTORS, SELECTORS, httpFactory());
                unix.setInheritChannel(true);
                unix.setUnixDomainPath(unixAddress.getPath());
                connector = unix;
                path = Optional.of(unixAddress.getPath());
                unixSocket = path;
            } else {
                ServerConnector tcp = new ServerConnector(server, ACCEPTORS, SELECTORS, httpFactory());
                tcp.setInheritChannel(true);
                if (local instanceof InetSocketAddress inet) tcp.setPort(inet.getPort());
                connector = tcp;
            }
            server.addConnector(connector);
            LOG.info("Serving the API on the socket passed by systemd (standard input): {}", local);
            return path;
        } catch (IOException e) {
            throw new ApiServerException("cannot use the socket passed by systemd on standard input: " + e, e);
        }
    }

    private ConnectionFactory httpFactory() {
        return new HttpConnectionFactory(http);
    }

    private ConnectionFactory[] tlsFactories() throws ApiServerException {
        SslContextFactory.Server ssl = PemTls.serverContext(config.tlsCertFile().orElseThrow(), config.tlsKeyFile().orElseThrow(),
                config.tlsCaFile(), config.clientCertOptional());
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http)};
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private String describe(Exception e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) sb.append(": ").append(c);
        return sb + " (listeners: " + config.socketPath().map(p -> "unix://" + p + " ").orElse("") + config.listen() + ")";
    }

    /** The unix socket being served, if any. */
    public Optional<Path> unixSocket() {
        return unixSocket;
    }

    /** The TCP listeners being served, with their actual ports (useful with port 0). */
    public List<URI> tcpEndpoints() {
        return List.copyOf(tcpEndpoints);
    }

    /** Stops serving (in-flight requests get up to 2 s) and removes the socket file this server created. */
    @Override
    public synchronized void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("API server did not stop cleanly: {}", e.toString());
        }
        if (ownSocket != null) {
            try {
                Files.deleteIfExists(ownSocket);
            } catch (IOException e) {
                LOG.warn("Could not remove API socket {}: {}", ownSocket, e.toString());
            }
        }
    }
}
