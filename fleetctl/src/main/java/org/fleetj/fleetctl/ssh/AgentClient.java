package org.fleetj.fleetctl.ssh;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Talks to ssh-agent over its unix socket ({@code SSH_AUTH_SOCK}) with the agent protocol
 * (draft-miller-ssh-agent): list identities, sign data. Each call opens its own connection, so one
 * client can be shared by the threads of several SSH connections.
 */
public final class AgentClient {
    static final byte AGENT_FAILURE = 5;
    static final byte REQUEST_IDENTITIES = 11;
    static final byte IDENTITIES_ANSWER = 12;
    static final byte SIGN_REQUEST = 13;
    static final byte SIGN_RESPONSE = 14;
    /** Sign flags: RSA keys sign with SHA-256/512 instead of the SHA-1 that OpenSSH servers refuse. */
    public static final int RSA_SHA2_256 = 2;
    public static final int RSA_SHA2_512 = 4;
    /** The agent's own limit (OpenSSH: 256 KiB); a longer frame means we are not talking to an agent. */
    private static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;

    public AgentClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** The keys the agent offers, in the agent's order. */
    public List<AgentIdentity> identities() {
        byte[] answer = call(new byte[] {REQUEST_IDENTITIES}, "list identities");
        ByteBuffer b = ByteBuffer.wrap(answer);
        expect(b.get(), IDENTITIES_ANSWER, "list identities");
        int count = b.getInt();
        if (count < 0 || count > 4096) throw new SshException("ssh-agent at " + socket + " sent a bad identity count " + count);
        List<AgentIdentity> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] blob = readString(b);
            String comment = new String(readString(b), StandardCharsets.UTF_8);
            out.add(new AgentIdentity(blob, comment));
        }
        return out;
    }

    /**
     * Has the agent sign {@code data} with the key {@code publicKeyBlob}.
     *
     * @return the signature in SSH wire format ({@code string algorithm, string signature})
     */
    public byte[] sign(byte[] publicKeyBlob, byte[] data, int flags) {
        ByteArrayOutputStream req = new ByteArrayOutputStream(data.length + publicKeyBlob.length + 16);
        try (DataOutputStream d = new DataOutputStream(req)) {
            d.writeByte(SIGN_REQUEST);
            d.writeInt(publicKeyBlob.length);
            d.write(publicKeyBlob);
            d.writeInt(data.length);
            d.write(data);
            d.writeInt(flags);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory stream
        }
        byte[] answer = call(req.toByteArray(), "sign");
        ByteBuffer b = ByteBuffer.wrap(answer);
        expect(b.get(), SIGN_RESPONSE, "sign");
        return readString(b);
    }

    private byte[] call(byte[] request, String what) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(request.length);
            d.write(request);
            d.flush();
            InputStream in = Channels.newInputStream(channel);
            DataInputStream r = new DataInputStream(in);
            int len = r.readInt();
            if (len <= 0 || len > MAX_MESSAGE) {
                throw new SshException("ssh-agent at " + socket + " sent a bad message length " + len);
            }
            byte[] body = new byte[len];
            r.readFully(body);
            return body;
        } catch (EOFException e) {
            throw new SshException("ssh-agent at " + socket + " closed the connection during " + what, e);
        } catch (IOException e) {
            throw new SshException("cannot reach ssh-agent at " + socket + " (SSH_AUTH_SOCK): " + e.getMessage(), e);
        }
    }

    private void expect(byte got, byte wanted, String what) {
        if (got == AGENT_FAILURE) throw new SshException("ssh-agent at " + socket + " refused to " + what);
        if (got != wanted) throw new SshException("ssh-agent at " + socket + " answered " + what + " with message type " + got);
    }

    private byte[] readString(ByteBuffer b) {
        if (b.remaining() < 4) throw new SshException("ssh-agent at " + socket + " sent a truncated message");
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) throw new SshException("ssh-agent at " + socket + " sent a truncated message");
        byte[] out = new byte[len];
        b.get(out);
        return out;
    }
}
