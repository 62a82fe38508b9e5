package org.fleetj.fleetctl.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key held by ssh-agent: its public key in SSH wire format and the comment ssh-add recorded.
 * The private half never leaves the agent; signatures are asked for with the blob.
 */
public record AgentIdentity(byte[] publicKeyBlob, String comment) {

    public AgentIdentity {
        publicKeyBlob = publicKeyBlob.clone();
    }

    @Override
    public byte[] publicKeyBlob() {
        return publicKeyBlob.clone();
    }

    /** The key type named at the start of the blob, e.g. {@code ssh-ed25519}, {@code ssh-rsa}. */
    public String keyType() {
        ByteBuffer b = ByteBuffer.wrap(publicKeyBlob);
        if (b.remaining() < 4) return "";
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) return "";
        return new String(publicKeyBlob, 4, len, StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AgentIdentity other && Arrays.equals(publicKeyBlob, other.publicKeyBlob)
                && comment.equals(other.comment);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKeyBlob) * 31 + comment.hashCode();
    }

    @Override
    public String toString() {
        return keyType() + " " + comment;
    }
}
