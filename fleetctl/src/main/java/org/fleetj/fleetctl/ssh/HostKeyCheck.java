package org.fleetj.fleetctl.ssh;

/**
 * What known_hosts says about the key a host presented.
 *
 * @param status        the verdict
 * @param hostName      the name looked up: {@code host}, or {@code [host]:port} off port 22 (OpenSSH's form)
 * @param keyType       the presented key's type, e.g. {@code ssh-ed25519}
 * @param fingerprint   the presented key's {@code SHA256:...} fingerprint
 * @param offendingLine for {@link Status#CHANGED} and {@link Status#REVOKED}: the line (1-based) of the
 *                      recorded key that disagrees; 0 otherwise
 */
public record HostKeyCheck(Status status, String hostName, String keyType, String fingerprint, int offendingLine) {

    public enum Status {
        /** A line for this host holds exactly this key. */
        KNOWN,
        /** No line for this host and key type: ask the user (or refuse when nobody can be asked). */
        UNKNOWN,
        /** Lines for this host and key type exist, none with this key: possibly a man in the middle. */
        CHANGED,
        /** The key is marked {@code @revoked}: never accepted. */
        REVOKED
    }

    /** OpenSSH's short name of the key type for messages: {@code ED25519}, {@code ECDSA}, {@code RSA}. */
    public String keyTypeLabel() {
        return KnownHostsFile.typeLabel(keyType);
    }
}
