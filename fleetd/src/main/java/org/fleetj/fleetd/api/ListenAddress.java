package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * One TCP listener from the {@code listen} option: {@code http://HOST:PORT} or {@code https://HOST:PORT}
 * (HOST may be {@code 0.0.0.0}, {@code [::]} or a name; PORT 0 picks a free port).
 */
public record ListenAddress(boolean tls, String host, int port) {

    public static ListenAddress parse(String text) {
        String bad = "invalid listen address " + GoQuote.q(text) + ": ";
        if (text == null || text.isBlank()) throw new IllegalArgumentException(bad + "empty");
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(bad + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(bad + "must start with http:// or https://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) throw new IllegalArgumentException(bad + "no host (use 0.0.0.0 for every address)");
        if (uri.getPort() < 0) throw new IllegalArgumentException(bad + "no port (e.g. " + scheme + "://0.0.0.0:49153)");
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw new IllegalArgumentException(bad + "only scheme, host and port may be given");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new ListenAddress(scheme.equals("https"), host, uri.getPort());
    }

    public String scheme() {
        return tls ? "https" : "http";
    }

    @Override
    public String toString() {
        return scheme() + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
