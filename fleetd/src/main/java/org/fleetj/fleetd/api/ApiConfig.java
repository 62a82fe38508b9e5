package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the API server listens and pages. Build with {@link #builder(String)}; every setting has fleet's
 * default. Invalid values are refused with {@link IllegalArgumentException} naming the fleet.conf option.
 *
 * @param socketPath  unix socket ({@code api_socket}, default {@code /var/run/fleet.sock}); empty: no unix socket
 * @param socketMode  permission bits of the socket file (default 0660)
 * @param socketGroup group owning the socket file ({@code api_socket_group}), if any
 * @param listen      TCP listeners ({@code listen}); none by default
 * @param tlsCertFile PEM certificate chain for https listeners ({@code listen_certfile})
 * @param tlsKeyFile  PEM private key (PKCS#8, or PKCS#1 RSA) for https listeners ({@code listen_keyfile})
 * @param tlsCaFile   PEM CA bundle ({@code listen_cafile}); when set, https clients must present a
 *                    certificate signed by it (client-certificate authentication)
 * @param clientCertOptional with {@code tlsCaFile}: a client certificate is asked for but not required at the TLS
 *                    level (bearer tokens are configured; the access handler checks each request)
 * @param tokenLimit  page size of list responses ({@code token_limit}, default 100)
 * @param version     fleetd's version, sent as {@code Server: fleetd/<version>}
 */
public record ApiConfig(Optional<Path> socketPath, int socketMode, Optional<String> socketGroup, List<ListenAddress> listen,
                        Optional<Path> tlsCertFile, Optional<Path> tlsKeyFile, Optional<Path> tlsCaFile,
                        boolean clientCertOptional, int tokenLimit, String version) {
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/fleet.sock");
    public static final int DEFAULT_SOCKET_MODE = 0660;
    public static final int DEFAULT_TOKEN_LIMIT = 100;

    public ApiConfig {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(socketGroup, "socketGroup");
        Objects.requireNonNull(tlsCertFile, "tlsCertFile");
        Objects.requireNonNull(tlsKeyFile, "tlsKeyFile");
        Objects.requireNonNull(tlsCaFile, "tlsCaFile");
        listen = List.copyOf(listen);
        if (socketMode < 0 || socketMode > 0777) {
            throw new IllegalArgumentException("api socket mode " + Integer.toOctalString(socketMode) + " is not a permission mode (0000-0777)");
        }
        if (socketGroup.isPresent() && socketGroup.get().isBlank()) {
            throw new IllegalArgumentException("api_socket_group must not be empty when given");
        }
        if (tokenLimit < 1 || tokenLimit > 65_535) { // fleet's page token holds it as an unsigned 16-bit number
            throw new IllegalArgumentException("token_limit must be between 1 and 65535, got " + tokenLimit);
        }
        if (version == null || version.isBlank() || version.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("server version must be printable ASCII without spaces, got " + GoQuote.q(version));
        }
        boolean anyTls = listen.stream().anyMatch(ListenAddress::tls);
        if (anyTls && (tlsCertFile.isEmpty() || tlsKeyFile.isEmpty())) {
            throw new IllegalArgumentException("listen has an https:// address, which needs listen_certfile and listen_keyfile");
        }
        if (!anyTls && (tlsCertFile.isPresent() || tlsKeyFile.isPresent() || tlsCaFile.isPresent())) {
            throw new IllegalArgumentException("listen_certfile, listen_keyfile and listen_cafile apply to https:// listen addresses, and there is none");
        }
        if (socketPath.isEmpty() && listen.isEmpty()) {
            throw new IllegalArgumentException("the API has no listener: set api_socket or listen");
        }
    }

    /** The value of the {@code Server} response header, as fleet sends it. */
    public String serverHeader() {
        return "fleetd/" + version;
    }

    public static Builder builder(String version) {
        return new Builder(version);
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private Optional<Path> socketPath = Optional.of(DEFAULT_SOCKET);
        private int socketMode = DEFAULT_SOCKET_MODE;
        private Optional<String> socketGroup = Optional.empty();
        private final List<ListenAddress> listen = new ArrayList<>();
        private Optional<Path> certFile = Optional.empty();
        private Optional<Path> keyFile = Optional.empty();
        private Optional<Path> caFile = Optional.empty();
        private int tokenLimit = DEFAULT_TOKEN_LIMIT;
        private boolean clientCertOptional;
        private final String version;

        private Builder(String version) {
            this.version = version;
        }

        public Builder socketPath(Path path) {
            this.socketPath = Optional.of(path);
            return this;
        }

        /** No unix socket (TCP listeners or an inherited socket only). */
        public Builder noSocket() {
            this.socketPath = Optional.empty();
            return this;
        }

        public Builder socketMode(int mode) {
            this.socketMode = mode;
            return this;
        }

        public Builder socketGroup(String group) {
            this.socketGroup = Optional.ofNullable(group);
            return this;
        }

        /** Adds a TCP listener such as {@code http://0.0.0.0:49153}. */
        public Builder listen(String address) {
            this.listen.add(ListenAddress.parse(address));
            return this;
        }

        public Builder listen(List<String> addresses) {
            for (String a : addresses) listen(a);
            return this;
        }

        public Builder tls(Path certFile, Path keyFile) {
            this.certFile = Optional.of(certFile);
            this.keyFile = Optional.of(keyFile);
            return this;
        }

        /** Requires https clients to present a certificate signed by a CA in {@code caFile}. */
        public Builder clientCa(Path caFile) {
            this.caFile = Optional.ofNullable(caFile);
            return this;
        }

        /** With {@link #clientCa}: clients may also come without a certificate (they authenticate with a token). */
        public Builder clientCertOptional(boolean optional) {
            this.clientCertOptional = optional;
            return this;
        }

        public Builder tokenLimit(int limit) {
            this.tokenLimit = limit;
            return this;
        }

        public ApiConfig build() {
            return new ApiConfig(socketPath, socketMode, socketGroup, listen, certFile, keyFile, caFile, clientCertOptional, tokenLimit, version);
        }
    }
}
