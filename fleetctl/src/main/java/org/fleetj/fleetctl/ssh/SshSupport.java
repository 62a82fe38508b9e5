package org.fleetj.fleetctl.ssh;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.fleetctl.Session;

/**
 * The SSH side of one fleetctl invocation: settings from the flags, the known_hosts file, the prompt for
 * unknown hosts, and the connections made (closed with the session). With {@code --tunnel}, one
 * connection to the bastion is shared by everything that goes through it (API requests and nested SSH).
 */
public final class SshSupport implements AutoCloseable {
    private final SshSettings settings;
    private final SshConnector connector;
    private final List<SshConnection> open = new ArrayList<>();
    private SshConnection bastion;

    SshSupport(SshSettings settings, HostKeyPrompt prompt) {
        this.settings = settings;
        SshConnector.useJdkProviders();
        KnownHostsFile knownHosts = settings.strictHostKeyChecking() ? KnownHostsFile.load(settings.knownHostsFile()) : null;
        this.connector = new SshConnector(settings, knownHosts, prompt);
    }

    /** This invocation's SSH support, made on first use. */
    public static SshSupport of(Session session) {
        return session.extension(SshSupport.class, s -> new SshSupport(SshSettings.of(s), Terminal.promptFor(s)));
    }

    public SshSettings settings() {
        return settings;
    }

    /** An authenticated connection to {@code target}, through the {@code --tunnel} bastion when one is set. */
    public synchronized SshConnection connect(HostAddress target) {
        SshConnection via = settings.tunnel().isPresent() ? bastion() : null;
        SshConnection c = connector.connect(target, via);
        open.add(c);
        return c;
    }

    /** The connection to the {@code --tunnel} bastion (made once). */
    public synchronized SshConnection bastion() {
        if (settings.tunnel().isEmpty()) throw new IllegalStateException("no --tunnel given");
        if (bastion == null) bastion = connector.connect(settings.tunnel().get(), null);
        return bastion;
    }

    @Override
    public synchronized void close() {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        open.clear();
        if (bastion != null) bastion.close();
        bastion = null;
        connector.close();
    }
}
