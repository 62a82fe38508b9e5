package org.fleetj.fleetctl.ssh;

import java.nio.file.Path;

/**
 * Loads the SSH classes a real connection needs without connecting anywhere, for the class-data-sharing
 * training run behind {@code bin/fleetctl} ({@link org.fleetj.fleetctl.CdsTraining}): parsing and
 * checking host keys, sshj's configuration and client.
 */
public final class SshWarmup {
    private static final String ED25519_LINE = "10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkqT7nN0lq1D1uRs0yHnCtm4Dd5wo+ajoUZD8uIaE1Q";

    private SshWarmup() {
    }

    public static void run() {
        SshConnector.useJdkProviders();
        KnownHostsFile file = KnownHostsFile.parse(Path.of("/nonexistent/known_hosts"), ED25519_LINE + "\n");
        file.knownKeyTypes(new HostAddress("10.0.0.1", HostAddress.SSH_PORT));
        RemoteCommand.journal("hello.service", 10, "short", false, false).shellText();
    }
}
