package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;

/**
 * Public-key authentication with the keys of ssh-agent ({@code SSH_AUTH_SOCK}, as fleet) and then the
 * {@code --identity-file} (beyond fleet). The agent's key list is fetched once per invocation and used for
 * every connection (bastion and target alike).
 */
final class Authentication {
    /** fleet's words when there is no agent; we add the identity-file alternative. */
    static final String NO_AGENT = "SSH_AUTH_SOCK environment variable is not set. Verify ssh-agent is running. "
            + "See https://github.com/coreos/fleet/blob/master/Documentation/using-the-client.md for help. "
            + "(Alternatively, name a private key with --identity-file or FLEETCTL_IDENTITY_FILE.)";

    private final String username;
    private final Optional<AgentClient> agent;
    private final Optional<Path> identityFile;
    private List<AgentIdentity> agentKeys;
    private SshException agentProblem;

    Authentication(SshSettings settings) {
        this.username = settings.username();
        this.agent = settings.agentSocket().map(AgentClient::new);
        this.identityFile = settings.identityFile();
    }

    /** Fails early, before any connection, when there is nothing to authenticate with. */
    void requireSomeKey() {
        if (agent.isEmpty() && identityFile.isEmpty()) throw new SshAuthenticationException(NO_AGENT);
        if (identityFile.isPresent() && !Files.isReadable(identityFile.get())) {
            throw new SshAuthenticationException("cannot read the identity file " + identityFile.get() + " (--identity-file)");
        }
    }

    void authenticate(SSHClient client, HostAddress target) throws TransportException {
        requireSomeKey();
        List<AuthMethod> methods = new ArrayList<>();
        for (AgentIdentity id : agentKeys()) methods.add(new AgentAuthMethod(agent.orElseThrow(), id));
        if (identityFile.isPresent()) {
            try {
                KeyProvider key = client.loadKeys(identityFile.get().toString());
                methods.add(new AuthPublickey(key));
            } catch (IOException | RuntimeException e) {
                throw new SshAuthenticationException("cannot load the identity file " + identityFile.get() + ": " + e.getMessage(), e);
            }
        }
        if (methods.isEmpty()) {
            if (agentProblem != null) throw new SshAuthenticationException(agentProblem.getMessage(), agentProblem);
            throw new SshAuthenticationException("ssh-agent at " + agent.orElseThrow().socket()
                    + " holds no keys (add one with ssh-add, or pass --identity-file)");
        }
        try {
            client.auth(username, methods);
        } catch (UserAuthException e) {
            throw new SshAuthenticationException("unable to authenticate as " + username + " on " + target
                    + ": the server accepted none of the keys offered (" + offered() + ")", e);
        }
    }

    private List<AgentIdentity> agentKeys() {
        if (agentKeys == null) {
            agentKeys = List.of();
            if (agent.isPresent()) {
                try {
                    agentKeys = agent.get().identities();
                } catch (SshException e) {
                    // with an identity file we can still get in; the agent's trouble is reported if nothing works
                    agentProblem = e;
                }
            }
        }
        return agentKeys;
    }

    private String offered() {
        List<String> parts = new ArrayList<>();
        agent.ifPresent(a -> parts.add("ssh-agent: " + agentKeys().size() + " key(s)"));
        identityFile.ifPresent(f -> parts.add("--identity-file " + f));
        return String.join(", ", parts);
    }
}
