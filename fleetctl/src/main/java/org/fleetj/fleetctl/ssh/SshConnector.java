package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.transport.verification.PromiscuousVerifier;

/**
 * Opens authenticated SSH connections: TCP (or a direct-tcpip channel of a bastion for a nested
 * connection), key exchange with host key checking, authentication — all within {@code --ssh-timeout}.
 * An unknown host key is asked about here, outside the timeout, and the connection is made again once
 * the key is recorded.
 */
final class SshConnector {
    private final SshSettings settings;
    private final KnownHostsFile knownHosts;
    private final HostKeyPrompt prompt;
    private final Authentication authentication;
    private final Config config;
    private Timer deadlines;

    /**
     * @param knownHosts null when strict host key checking is off
     */
    SshConnector(SshSettings settings, KnownHostsFile knownHosts, HostKeyPrompt prompt) {
        this.settings = settings;
        this.knownHosts = knownHosts;
        this.prompt = prompt;
        this.authentication = new Authentication(settings);
        useJdkProviders();
        this.config = new DefaultConfig();
    }

    /**
     * Keeps sshj from registering BouncyCastle as a JCE provider; to be called before sshj's first use.
     * The JDK's own providers do everything OpenSSH servers negotiate today (curve25519 and ECDH key
     * exchange, Ed25519/ECDSA/RSA keys, AES-CTR/GCM, HMAC-SHA2); the registration would add ~0.2 s to
     * every SSH command for nothing.
     */
    static synchronized void useJdkProviders() {
        if (!jdkProvidersChosen) SecurityUtils.setRegisterBouncyCastle(false);
        jdkProvidersChosen = true;
    }

    private static volatile boolean jdkProvidersChosen;

    /**
     * Connects to {@code target}, through {@code via} when given.
     *
     * @throws SshException naming the host and what failed (typed for host key and authentication failures)
     */
    SshConnection connect(HostAddress target, SshConnection via) {
        authentication.requireSomeKey();
        try {
            return connectOnce(target, via);
        } catch (UnknownHostKeyException e) {
            if (!prompt.interactive() || e.check() == null) throw e;
            if (!prompt.confirm(HostKeyMessages.unknownQuestion(target, e.check()))) {
                throw new UnknownHostKeyException(HostKeyMessages.declined(e.check()));
            }
            knownHosts.add(e.address(), e.key());
            prompt.tell(HostKeyMessages.added(e.check(), knownHosts.path()));
            return connectOnce(target, via);
        }
    }

    private SshConnection connectOnce(HostAddress target, SshConnection via) {
        SSHClient client = new SSHClient(config);
        HostKeyVerification verification = null;
        if (settings.strictHostKeyChecking()) {
            verification = new HostKeyVerification(knownHosts, prompt.interactive());
            client.addHostKeyVerifier(verification);
        } else {
            client.addHostKeyVerifier(new PromiscuousVerifier());
        }
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeoutMillis());
        client.setConnectTimeout(timeout);
        client.getTransport().setTimeoutMs(timeout);
        client.getConnection().setTimeoutMs(timeout);
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicReference<DirectConnection> channel = new AtomicReference<>();
        // a stalled peer (no banner, no kex reply) would block for ever: the deadline cuts the connection
        TimerTask deadline = schedule(() -> {
            timedOut.set(true);
            Pump.closeQuietly(channel.get());
            Pump.closeQuietly(client::disconnect);
        }, timeout);
        try {
            if (via == null) {
                client.connect(target.host(), target.port());
            } else {
                channel.set(via.newDirectConnection(target.host(), target.port()));
                client.connectVia(channel.get());
            }
            authentication.authenticate(client, target);
            deadline.cancel();
            return new SshConnection(client, target, settings.timeoutMillis());
        } catch (IOException | RuntimeException e) {
            deadline.cancel();
            Pump.closeQuietly(client);
            Pump.closeQuietly(channel.get());
            if (verification != null && verification.failure() != null) throw verification.failure();
            if (e instanceof SshException se) throw se;
            String where = via == null ? target.toString() : target + " (through " + via.address() + ")";
            if (timedOut.get()) {
                throw new SshException("ssh: connecting to " + where + " timed out after " + seconds(timeout) + " s (--ssh-timeout)", e);
            }
            throw new SshException("ssh: cannot connect to " + where + ": " + describe(e), e);
        }
    }

    private synchronized TimerTask schedule(Runnable action, long delayMillis) {
        if (deadlines == null) deadlines = new Timer("ssh-setup-deadline", true);
        TimerTask task = new TimerTask() {
            @Override
            public void run() {
                action.run();
            }
        };
        deadlines.schedule(task, delayMillis);
        return task;
    }

    synchronized void close() {
        if (deadlines != null) deadlines.cancel();
    }

    /** An exception as a short reason for users: the deepest useful message. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return "connection refused";
            if (t instanceof NoRouteToHostException) return "no route to host";
            if (t instanceof UnknownHostException) return "unknown host " + t.getMessage();
            if (t instanceof SocketTimeoutException) return "connection timed out";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
        return message != null ? message : root.getClass().getSimpleName();
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }
}
