package org.fleetj.fleetctl;

import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * fleet's global (persistent) flags, accepted before or after the command name, each also settable
 * through {@code FLEETCTL_<FLAG>} (see {@link EnvironmentOptions}). Read through the getters, which
 * apply the deprecated aliases and fleet's defaults.
 */
public final class GlobalOptions {
    /** Our etcd key prefix (docs/design.md), not fleet's {@code /_coreos.com/fleet/}. */
    public static final String DEFAULT_ETCD_KEY_PREFIX = "/fleet/";

    @Option(names = "--endpoint", scope = ScopeType.INHERIT, paramLabel = "URL", defaultValue = "unix:///var/run/fleet.sock",
            description = "Location of the fleet API if --driver=API. Alternatively, if --driver=etcd, location of the etcd API. (default \"${DEFAULT-VALUE}\")")
    String endpoint;

    @Option(names = "--driver", scope = ScopeType.INHERIT, paramLabel = "NAME", defaultValue = "API",
            description = "Adapter used to execute fleetctl commands. Options include \"API\" and \"etcd\". (default \"${DEFAULT-VALUE}\")")
    String driver;

    @Option(names = "--etcd-key-prefix", scope = ScopeType.INHERIT, paramLabel = "PREFIX", defaultValue = DEFAULT_ETCD_KEY_PREFIX,
            description = "Keyspace for fleet data in etcd (development use only!) (default \"${DEFAULT-VALUE}\")")
    String etcdKeyPrefix;

    @Option(names = "--ca-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "Location of TLS CA file used to secure communication with the fleet API or etcd")
    String caFile;

    @Option(names = "--cert-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "Location of TLS cert file used to secure communication with the fleet API or etcd")
    String certFile;

    @Option(names = "--key-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "Location of TLS key file used to secure communication with the fleet API or etcd")
    String keyFile;

    @Option(names = "--etcd-cafile", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "DEPRECATED: do not use this flag.")
    String etcdCafile;

    @Option(names = "--etcd-certfile", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "DEPRECATED: do not use this flag.")
    String etcdCertfile;

    @Option(names = "--etcd-keyfile", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "DEPRECATED: do not use this flag.")
    String etcdKeyfile;

    @Option(names = "--known-hosts-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "~/.fleetctl/known_hosts",
            description = "File used to store remote machine fingerprints. Ignored if strict host key checking is disabled. (default \"${DEFAULT-VALUE}\")")
    String knownHostsFile;

    @Option(names = "--strict-host-key-checking", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "Verify host keys presented by remote machines before initiating SSH connections. (default true)")
    boolean strictHostKeyChecking;

    @Option(names = "--ssh-username", scope = ScopeType.INHERIT, paramLabel = "USER", defaultValue = "core",
            description = "Username to use when connecting to CoreOS instance. (default \"${DEFAULT-VALUE}\")")
    String sshUsername;

    @Option(names = "--ssh-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "10.0",
            description = "Amount of time in seconds to allow for SSH connection initialization before failing. (default 10)")
    double sshTimeout;

    @Option(names = "--tunnel", scope = ScopeType.INHERIT, paramLabel = "HOST[:PORT]", defaultValue = "",
            description = "Establish an SSH tunnel through the provided address for communication with fleet and etcd.")
    String tunnel;

    @Option(names = "--request-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "3.0",
            description = "Amount of time in seconds to allow a single request before considering it failed. (default 3)")
    double requestTimeout;

    @Option(names = "--debug", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "BOOL", description = "Print out more debug information to stderr")
    boolean debug;

    @Option(names = "--experimental-api", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "DEPRECATED: do not use this flag. (default true)")
    boolean experimentalApi;

    @Option(names = "--identity-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "Private key for SSH, tried after the keys of ssh-agent (beyond fleet).")
    String identityFile;

    @Option(names = "--api-token", scope = ScopeType.INHERIT, paramLabel = "TOKEN", defaultValue = "",
            description = "Bearer token for fleetd's access roles (api_tokens in fleet.conf); better given as FLEETCTL_API_TOKEN (beyond fleet).")
    String apiToken;

    @Option(names = {"-v", "--version"}, versionHelp = true, scope = ScopeType.INHERIT,
            description = "Print the version and exit")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Print usage information and exit")
    boolean help;

    public String endpoint() {
        return endpoint;
    }

    /** {@code api} or {@code etcd} (lower case); {@code --experimental-api=false} forces etcd, as in fleet. */
    public String driver() {
        if (!experimentalApi) return "etcd";
        return driver.toLowerCase(Locale.ROOT);
    }

    /** The raw {@code --driver} value, for error messages. */
    public String driverFlag() {
        return driver;
    }

    public String etcdKeyPrefix() {
        return etcdKeyPrefix;
    }

    public String caFile() {
        return caFile.isEmpty() ? etcdCafile : caFile;
    }

    public String certFile() {
        return certFile.isEmpty() ? etcdCertfile : certFile;
    }

    public String keyFile() {
        return keyFile.isEmpty() ? etcdKeyfile : keyFile;
    }

    /** The known_hosts path with a leading {@code ~} expanded to the user's home. */
    public String knownHostsFile() {
        return expandHome(knownHostsFile);
    }

    public boolean strictHostKeyChecking() {
        return strictHostKeyChecking;
    }

    public String sshUsername() {
        return sshUsername;
    }

    public long sshTimeoutMillis() {
        return Math.round(sshTimeout * 1000);
    }

    /** The bastion as {@code host:port} ({@code :22} appended when no port is given), or empty. */
    public String tunnel() {
        if (tunnel.isEmpty() || tunnel.lastIndexOf(':') > tunnel.lastIndexOf(']')) return tunnel;
        return tunnel + ":22";
    }

    public long requestTimeoutMillis() {
        return Math.round(requestTimeout * 1000);
    }

    public boolean debug() {
        return debug;
    }

    /** The {@code --api-token} value, or empty. */
    public String apiToken() {
        return apiToken;
    }

    /** The {@code --identity-file} path with {@code ~} expanded, or empty. */
    public String identityFile() {
        return expandHome(identityFile);
    }

    private static String expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) return System.getProperty("user.home") + path.substring(1);
        return path;
    }
}
