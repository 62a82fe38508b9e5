package org.fleetj.fleetctl.ssh;

import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AbstractAuthMethod;

/**
 * RFC 4252 "publickey" authentication with a key held by ssh-agent: the server is first asked whether
 * it accepts the key; on its yes (SSH_MSG_USERAUTH_PK_OK) the agent signs the session id and request,
 * and the signed request is sent. sshj 0.40 has no agent support of its own.
 */
final class AgentAuthMethod extends AbstractAuthMethod {
    private final AgentClient agent;
    private final AgentIdentity identity;
    private final String algorithm;
    private final int signFlags;

    AgentAuthMethod(AgentClient agent, AgentIdentity identity) {
        super("publickey");
        this.agent = agent;
        this.identity = identity;
        String type = identity.keyType();
        // OpenSSH 8.8+ refuses SHA-1 "ssh-rsa" signatures; RSA keys sign as rsa-sha2-512.
        if (type.equals("ssh-rsa")) {
            this.algorithm = "rsa-sha2-512";
            this.signFlags = AgentClient.RSA_SHA2_512;
        } else {
            this.algorithm = type;
            this.signFlags = 0;
        }
    }

    @Override
    protected SSHPacket buildReq() throws UserAuthException {
        return request(false);
    }

    @Override
    public void handle(Message cmd, SSHPacket buf) throws UserAuthException, TransportException {
        if (cmd != Message.USERAUTH_60) {
            super.handle(cmd, buf);
            return;
        }
        SSHPacket signed = request(true);
        byte[] toSign = new Buffer.PlainBuffer()
                .putString(params.getTransport().getSessionID())
                .putBuffer(signed)
                .getCompactData();
        byte[] signature;
        try {
            signature = agent.sign(identity.publicKeyBlob(), toSign, signFlags);
        } catch (SshException e) {
            throw new UserAuthException(e.getMessage(), e);
        }
        signed.putString(signature);
        params.getTransport().write(signed);
    }

    private SSHPacket request(boolean withSignature) throws UserAuthException {
        SSHPacket req = super.buildReq();
        req.putBoolean(withSignature).putString(algorithm).putString(identity.publicKeyBlob());
        return req;
    }

    @Override
    public String toString() {
        return "ssh-agent key " + identity;
    }
}
