package org.fleetj.fleetctl.ssh;

import java.nio.file.Path;
import java.util.Optional;
import org.fleetj.fleetctl.GlobalOptions;
import org.fleetj.fleetctl.Session;

/**
 * How fleetctl opens SSH connections, from the global flags ({@code --ssh-username},
 * {@code --ssh-timeout}, {@code --known-hosts-file}, {@code --strict-host-key-checking},
 * {@code --tunnel}, {@code --identity-file}) and the environment ({@code SSH_AUTH_SOCK}).
 *
 * @param username              remote user (fleet's default {@code core})
 * @param timeoutMillis         connection setup timeout (TCP connect, key exchange, authentication)
 * @param knownHostsFile        OpenSSH known_hosts file; read and appended to when strict checking is on
 * @param strictHostKeyChecking false accepts any host key (fleet's {@code --strict-host-key-checking=false})
 * @param tunnel                bastion to go through, if any
 * @param identityFile          private key to offer after the agent's keys, if any (beyond fleet)
 * @param agentSocket           the ssh-agent socket ({@code SSH_AUTH_SOCK}), if set
 */
public record SshSettings(String username, long timeoutMillis, Path knownHostsFile, boolean strictHostKeyChecking,
                          Optional<HostAddress> tunnel, Optional<Path> identityFile, Optional<Path> agentSocket) {

    public SshSettings {
        if (username == null || username.isEmpty()) throw new IllegalArgumentException("--ssh-username must not be empty");
        if (timeoutMillis <= 0) throw new IllegalArgumentException("--ssh-timeout must be positive");
    }

    /** The settings of one fleetctl invocation. */
    public static SshSettings of(Session session) {
        GlobalOptions o = session.options();
        return of(o.sshUsername(), o.sshTimeoutMillis(), o.knownHostsFile(), o.strictHostKeyChecking(), o.tunnel(),
                o.identityFile(), session.env("SSH_AUTH_SOCK"));
    }

    /**
     * Settings from the flag values as fleetctl holds them; empty strings mean "not given".
     *
     * @param tunnel        {@code host[:port]} or empty; {@code :22} is implied
     * @param authSock      value of {@code SSH_AUTH_SOCK} or null
     */
    public static SshSettings of(String username, long timeoutMillis, String knownHostsFile, boolean strict,
                                 String tunnel, String identityFile, String authSock) {
        Path home = Path.of(System.getProperty("user.home"));
        return new SshSettings(username, timeoutMillis, Path.of(expandHome(knownHostsFile, home)), strict,
                blank(tunnel) ? Optional.empty() : Optional.of(HostAddress.parse(tunnel, HostAddress.SSH_PORT)),
                blank(identityFile) ? Optional.empty() : Optional.of(Path.of(expandHome(identityFile, home))),
                blank(authSock) ? Optional.empty() : Optional.of(Path.of(authSock)));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String expandHome(String path, Path home) {
        if (path.equals("~") || path.startsWith("~/")) return home + path.substring(1);
        return path;
    }
}
