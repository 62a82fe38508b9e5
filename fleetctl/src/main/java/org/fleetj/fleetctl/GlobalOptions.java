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
    static final String DEFAULT_ENDPOINT = "unix:///var/run/fleet.sock";
    static final String DEFAULT_DRIVER = "API";
    static final String DEFAULT_KNOWN_HOSTS_FILE = "~/.fleetctl/known_hosts";
    static final String DEFAULT_SSH_USERNAME = "core";
    static final String DEFAULT_SSH_TIMEOUT = "10.0";
    static final String DEFAULT_REQUEST_TIMEOUT = "3.0";

    @Option(names = "--endpoint", scope = ScopeType.INHERIT, paramLabel = "URL", defaultValue = DEFAULT_ENDPOINT,
            description = "Location of the fleet API if --driver=API. Alternatively, if --driver=etcd, location of the etcd API. (default \"${DEFAULT-VALUE}\")")
    String endpoint = DEFAULT_ENDPOINT;

    @Option(names = "--driver", scope = ScopeType.INHERIT, paramLabel = "NAME", defaultValue = DEFAULT_DRIVER,
            description = "Adapter used to execute fleetctl commands. Options include \"API\" and \"etcd\". (default \"${DEFAULT-VALUE}\")")
    String driver = DEFAULT_DRIVER;

    @Option(names = "--etcd-key-prefix", scope = ScopeType.INHERIT, paramLabel = "PREFIX", defaultValue = DEFAULT_ETCD_KEY_PREFIX,
            description = "Keyspace for fleet data in etcd (development use only!) (default \"${DEFAULT-VALUE}\")")
    String etcdKeyPrefix = DEFAULT_ETCD_KEY_PREFIX;

    @Option(names = "--ca-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "Location of TLS CA file used to secure communication with the fleet API or etcd")
    String caFile = "";

    @Option(names = "--cert-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "Location of TLS cert file used to secure communication with the fleet API or etcd")
    String certFile = "";

    @Option(names = "--key-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "Location of TLS key file used to secure communication with the fleet API or etcd")
    String keyFile = "";

    @Option(names = "--etcd-cafile", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "DEPRECATED: do not use this flag.")
    String etcdCafile = "";

    @Option(names = "--etcd-certfile", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "DEPRECATED: do not use this flag.")
    String etcdCertfile = "";

    @Option(names = "--etcd-keyfile", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "DEPRECATED: do not use this flag.")
    String etcdKeyfile = "";

    @Option(names = "--known-hosts-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = DEFAULT_KNOWN_HOSTS_FILE,
            description = "File used to store remote machine fingerprints. Ignored if strict host key checking is disabled. (default \"${DEFAULT-VALUE}\")")
    String knownHostsFile = DEFAULT_KNOWN_HOSTS_FILE;

    @Option(names = "--strict-host-key-checking", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "Verify host keys presented by remote machines before initiating SSH connections. (default true)")
    boolean strictHostKeyChecking = true;

    @Option(names = "--ssh-username", scope = ScopeType.INHERIT, paramLabel = "USER", defaultValue = DEFAULT_SSH_USERNAME,
            description = "Username to use when connecting to CoreOS instance. (default \"${DEFAULT-VALUE}\")")
    String sshUsername = DEFAULT_SSH_USERNAME;

    @Option(names = "--ssh-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = DEFAULT_SSH_TIMEOUT,
            description = "Amount of time in seconds to allow for SSH connection initialization before failing. (default 10)")
    double sshTimeout = Double.parseDouble(DEFAULT_SSH_TIMEOUT);

    @Option(names = "--tunnel", scope = ScopeType.INHERIT, paramLabel = "HOST[:PORT]", defaultValue = "",
            description = "Establish an SSH tunnel through the provided address for communication with fleet and etcd.")
    String tunnel = "";

    @Option(names = "--request-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = DEFAULT_REQUEST_TIMEOUT,
            description = "Amount of time in seconds to allow a single request before considering it failed. (default 3)")
    double requestTimeout = Double.parseDouble(DEFAULT_REQUEST_TIMEOUT);

    @Option(names = "--debug", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "BOOL", description = "Print out more debug information to stderr")
    boolean debug;

    @Option(names = "--experimental-api", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "DEPRECATED: do not use this flag. (default true)")
    boolean experimentalApi = true;

    @Option(names = "--identity-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "",
            description = "Private key for SSH, tried after the keys of ssh-agent (beyond fleet).")
    String identityFile = "";

    @Option(names = "--api-token", scope = ScopeType.INHERIT, paramLabel = "TOKEN", defaultValue = "",
            description = "Bearer token for fleetd's access roles (api_tokens in fleet.conf); better given as FLEETCTL_API_TOKEN (beyond fleet).")
    String apiToken = "";

    @Option(names = {"-v", "--version"}, versionHelp = true, scope = ScopeType.INHERIT,
            description = "Print the version and exit")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Print usage information and exit")
    boolean help;

    /**
     * Sets one flag from its text without picocli, for {@link QuickPath}: {@code flag} is a name of
     * {@link EnvironmentOptions#FLAGS}. Returns false (nothing set) for a value picocli would have to judge:
     * a number that does not parse, a boolean other than {@code true}/{@code false}; QuickPathTest checks
     * that every flag lands where picocli puts it.
     */
    boolean set(String flag, String value) {
        try {
            switch (flag) {
                case "endpoint" -> endpoint = value;
                case "driver" -> driver = value;
                case "etcd-key-prefix" -> etcdKeyPrefix = value;
                case "ca-file" -> caFile = value;
                case "cert-file" -> certFile = value;
                case "key-file" -> keyFile = value;
                case "etcd-cafile" -> etcdCafile = value;
                case "etcd-certfile" -> etcdCertfile = value;
                case "etcd-keyfile" -> etcdKeyfile = value;
                case "known-hosts-file" -> knownHostsFile = value;
                case "strict-host-key-checking" -> strictHostKeyChecking = bool(value);
                case "ssh-username" -> sshUsername = value;
                case "ssh-timeout" -> sshTimeout = Double.parseDouble(value);
                case "tunnel" -> tunnel = value;
                case "request-timeout" -> requestTimeout = Double.parseDouble(value);
                case "debug" -> debug = bool(value);
                case "experimental-api" -> experimentalApi = bool(value);
                case "identity-file" -> identityFile = value;
                case "api-token" -> apiToken = value;
                default -> {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }

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
