package org.fleetj.fleetctl.ssh;

/**
 * An SSH server's address.
 *
 * @param host name or IP (IPv6 without brackets)
 * @param port TCP port, 1..65535
 */
public record HostAddress(String host, int port) {
    public static final int SSH_PORT = 22;

    public HostAddress {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("SSH host must not be empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("SSH port " + port + " is out of range 1..65535");
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; the default port applies
     * when none is given (fleet appends {@code :22} to a {@code --tunnel} without a port).
     */
    public static HostAddress parse(String text, int defaultPort) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) throw new IllegalArgumentException("empty SSH address");
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("invalid SSH address \"" + text + "\": missing ']'");
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.startsWith(":")) port = rest.substring(1);
            else if (!rest.isEmpty()) throw new IllegalArgumentException("invalid SSH address \"" + text + "\"");
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') == colon) {
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            } else {
                host = s; // a bare name, or an unbracketed IPv6 literal
            }
        }
        if (port == null) return new HostAddress(host, defaultPort);
        try {
            return new HostAddress(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port \"" + port + "\" in SSH address \"" + text + "\"");
        }
    }

    /** The form OpenSSH uses in known_hosts: {@code host} on port 22, {@code [host]:port} otherwise. */
    public String knownHostsName() {
        return port == SSH_PORT ? host : "[" + host + "]:" + port;
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
