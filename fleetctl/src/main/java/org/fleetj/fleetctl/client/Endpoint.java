package org.fleetj.fleetctl.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Where the API driver reaches fleetd: a unix socket ({@code unix://} or {@code file://}, the URL path
 * being the socket) or a TCP listener ({@code http://}, {@code https://}).
 *
 * @param scheme {@code unix}, {@code http} or {@code https} ({@code file} is read as {@code unix})
 * @param host   TCP host; empty for unix sockets
 * @param port   TCP port; -1 for unix sockets
 * @param path   the socket path for unix sockets; empty for TCP
 */
public record Endpoint(String scheme, String host, int port, String path) {

    /** fleet's default: the local fleetd's unix socket. */
    public static final String DEFAULT = "unix:///var/run/fleet.sock";

    public boolean isUnix() {
        return scheme.equals("unix");
    }

    public boolean isTls() {
        return scheme.equals("https");
    }

    /** The URL fleet puts in messages: unix sockets are addressed as {@code http://domain-sock}. */
    public String baseUrl() {
        return isUnix() ? "http://domain-sock" : scheme + "://" + hostPort();
    }

    /** {@code host:port}, bracketing IPv6 literals. */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The Host header value. */
    public String hostHeader() {
        return isUnix() ? "domain-sock" : hostPort();
    }

    /**
     * Parses {@code --endpoint} for the API driver: only the first of comma-separated URLs is used, as
     * in fleet, with a warning through {@code warn}.
     *
     * @throws FleetClientException with fleet's messages for a missing scheme or a unix URL with a host
     */
    public static Endpoint parseForApi(String endpoints, Consumer<String> warn) {
        String[] all = endpoints.split(",");
        if (all.length > 1) {
            warn.accept("multiple endpoints provided but only the first (" + all[0] + ") is used");
        }
        return parse(all[0].trim());
    }

    public static Endpoint parse(String url) {
        int colon = url.indexOf("://");
        if (url.isEmpty() || colon <= 0) {
            throw new FleetClientException("URL scheme undefined");
        }
        String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
        if (url.length() == colon + 3 && (scheme.equals("unix") || scheme.equals("file"))) {
            throw new FleetClientException("no socket path in endpoint " + url);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new FleetClientException("invalid endpoint " + url + ": " + e.getMessage());
        }
        switch (scheme) {
            case "unix":
            case "file": {
                String authority = uri.getRawAuthority();
                if (authority != null && !authority.isEmpty()) {
                    throw new FleetClientException("unable to connect to host \"" + authority + "\" with scheme \"" + scheme + "\"");
                }
                String path = uri.getPath();
                if (path == null || path.isEmpty()) {
                    throw new FleetClientException("no socket path in endpoint " + url);
                }
                return new Endpoint("unix", "", -1, path);
            }
            case "http":
            case "https": {
                String host = uri.getHost();
                if (host == null || host.isEmpty()) {
                    throw new FleetClientException("no host in endpoint " + url);
                }
                if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
                return new Endpoint(scheme, host, port, "");
            }
            default:
                throw new FleetClientException("unsupported URL scheme \"" + scheme + "\" in endpoint " + url
                        + ": use unix://, file://, http:// or https://");
        }
    }
}
