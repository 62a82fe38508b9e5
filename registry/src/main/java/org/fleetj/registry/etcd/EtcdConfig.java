package org.fleetj.registry.etcd;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach etcd: endpoints, key prefix, per-request timeout, TLS files and credentials. Built with
 * {@link #builder()}; {@link Builder#build()} rejects bad values with a message naming the setting.
 *
 * @param endpoints      client URLs, e.g. {@code http://127.0.0.1:2379} (https when TLS files are given)
 * @param keyPrefix      every key lives under it; starts and ends with '/' (default {@code /fleet/})
 * @param requestTimeout bound on every single etcd request (default 3 s, as fleet's etcd_request_timeout)
 * @param authority      the name TLS checks the server certificate against, when the endpoints are not it (e.g.
 *                       loopback ends of an SSH tunnel: fleetctl --tunnel)
 * @param firstContactTimeout bound on requests until etcd first answered (at least requestTimeout; a daemon may
 *                       allow more: its first request also pays for loading gRPC and opening the channel)
 */
public record EtcdConfig(List<URI> endpoints, String keyPrefix, Duration requestTimeout, Duration firstContactTimeout,
                         Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                         Optional<String> username, Optional<String> password, Optional<String> authority) {

    public static final String DEFAULT_PREFIX = "/fleet/";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);

    public EtcdConfig {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(firstContactTimeout, "firstContactTimeout");
        Objects.requireNonNull(authority, "authority");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The endpoints as one comma-separated string, for messages. */
    public String endpointList() {
        return String.join(",", endpoints.stream().map(URI::toString).toList());
    }

    public boolean tls() {
        return caFile.isPresent() || certFile.isPresent() || keyFile.isPresent();
    }

    public static final class Builder {
        private final List<String> endpoints = new ArrayList<>();
        private String keyPrefix = DEFAULT_PREFIX;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration firstContactTimeout;
        private Path caFile;
        private Path certFile;
        private Path keyFile;
        private String username;
        private String password;
        private String authority;

        private Builder() {
        }

        /** Adds endpoints; each argument may itself be a comma-separated list (fleet's etcd_servers). */
        public Builder endpoints(String... urls) {
            for (String u : urls) {
                for (String part : u.split(",")) {
                    if (!part.isBlank()) endpoints.add(part.trim());
                }
            }
            return this;
        }

        public Builder endpoints(List<String> urls) {
            return endpoints(urls.toArray(String[]::new));
        }

        public Builder keyPrefix(String prefix) {
            this.keyPrefix = prefix;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Allows requests made before etcd first answered this long (never less than the request timeout). */
        public Builder firstContactTimeout(Duration timeout) {
            this.firstContactTimeout = timeout;
            return this;
        }

        /** The host name (and port) TLS checks the server certificate against, instead of the endpoints' own. */
        public Builder authority(String authority) {
            this.authority = authority;
            return this;
        }

        public Builder caFile(Path path) {
            this.caFile = path;
            return this;
        }

        public Builder certFile(Path path) {
            this.certFile = path;
            return this;
        }

        public Builder keyFile(Path path) {
            this.keyFile = path;
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public EtcdConfig build() {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("etcd endpoints: at least one URL is required, e.g. http://127.0.0.1:2379");
            }
            List<URI> uris = new ArrayList<>();
            for (String e : endpoints) {
                URI uri;
                try {
                    uri = URI.create(e);
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("etcd endpoint \"" + e + "\" is not a URL: " + ex.getMessage());
                }
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    throw new IllegalArgumentException("etcd endpoint \"" + e + "\" must start with http:// or https://");
                }
                if (uri.getHost() == null || uri.getPort() <= 0) {
                    throw new IllegalArgumentException("etcd endpoint \"" + e + "\" needs a host and a port, e.g. http://127.0.0.1:2379");
                }
                uris.add(uri);
            }
            String prefix = keyPrefix == null || keyPrefix.isEmpty() ? DEFAULT_PREFIX : keyPrefix;
            if (!prefix.startsWith("/")) prefix = "/" + prefix;
            if (!prefix.endsWith("/")) prefix = prefix + "/";
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("etcd request timeout must be positive, got " + requestTimeout);
            }
            checkReadable("etcd CA file", caFile);
            checkReadable("etcd certificate file", certFile);
            checkReadable("etcd key file", keyFile);
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException("etcd TLS client authentication needs both a certificate file and a key file");
            }
            if (password != null && username == null) {
                throw new IllegalArgumentException("etcd password given without a username");
            }
            Duration first = firstContactTimeout == null || firstContactTimeout.compareTo(requestTimeout) < 0
                    ? requestTimeout : firstContactTimeout;
            return new EtcdConfig(uris, prefix, requestTimeout, first, Optional.ofNullable(caFile), Optional.ofNullable(certFile),
                    Optional.ofNullable(keyFile), Optional.ofNullable(username), Optional.ofNullable(password), Optional.ofNullable(authority));
        }

        private static void checkReadable(String what, Path path) {
            if (path != null && !Files.isReadable(path)) {
                throw new IllegalArgumentException(what + " " + path + " does not exist or is not readable");
            }
        }
    }
}
