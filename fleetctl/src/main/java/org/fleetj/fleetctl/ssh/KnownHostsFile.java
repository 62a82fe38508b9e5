package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts.HostEntry;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts.KnownHostEntry;

/**
 * An OpenSSH known_hosts file: plain and hashed ({@code |1|salt|hash}) host names, host lists and
 * patterns, {@code [host]:port} for other ports, {@code @revoked} keys. Parsing and host matching are
 * sshj's ({@link OpenSSHKnownHosts}); the verdict ({@link #check}) and appending are ours.
 * {@code @cert-authority} lines are not supported and never match.
 */
public final class KnownHostsFile {
    private final Path path;
    private final List<KnownHostEntry> entries;

    private KnownHostsFile(Path path, List<KnownHostEntry> entries) {
        this.path = path;
        this.entries = new ArrayList<>(entries);
    }

    /** Reads the file; a missing file is an empty one (it is created by the first {@link #add}). */
    public static KnownHostsFile load(Path path) {
        String text = "";
        if (Files.exists(path)) {
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new SshException("cannot read known hosts file " + path + ": " + e.getMessage(), e);
            }
        }
        return parse(path, text);
    }

    /** The entries of {@code text}, attributed to {@code path} (which {@link #add} appends to). */
    static KnownHostsFile parse(Path path, String text) {
        try {
            // sshj keeps one entry per line, comments and unparsable lines included, so index + 1 = line number
            OpenSSHKnownHosts parsed = new OpenSSHKnownHosts(new StringReader(text));
            return new KnownHostsFile(path, parsed.entries());
        } catch (IOException e) {
            throw new SshException("cannot parse known hosts file " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** The verdict on {@code key} presented by {@code address}. */
    public synchronized HostKeyCheck check(HostAddress address, PublicKey key) {
        String name = lookupName(address);
        KeyType type = KeyType.fromKey(key);
        String blob = keyBase64(key);
        String fingerprint = fingerprint(key);
        int firstDiffering = 0;
        boolean known = false;
        for (int i = 0; i < entries.size(); i++) {
            KnownHostEntry e = entries.get(i);
            if (!(e instanceof HostEntry) || !applies(e, type, name)) continue;
            String[] words = e.getLine().trim().split("\\s+");
            String marker = words[0].startsWith("@") ? words[0] : "";
            if (marker.equals("@cert-authority")) continue;
            String recorded = words.length > (marker.isEmpty() ? 2 : 3) ? words[marker.isEmpty() ? 2 : 3] : "";
            boolean same = recorded.equals(blob);
            if (marker.equals("@revoked")) {
                if (same) return new HostKeyCheck(HostKeyCheck.Status.REVOKED, name, type.toString(), fingerprint, i + 1);
                continue;
            }
            if (same) known = true;
            else if (firstDiffering == 0) firstDiffering = i + 1;
        }
        if (known) return new HostKeyCheck(HostKeyCheck.Status.KNOWN, name, type.toString(), fingerprint, 0);
        if (firstDiffering > 0) return new HostKeyCheck(HostKeyCheck.Status.CHANGED, name, type.toString(), fingerprint, firstDiffering);
        return new HostKeyCheck(HostKeyCheck.Status.UNKNOWN, name, type.toString(), fingerprint, 0);
    }

    /**
     * The key types recorded for {@code address}, so that key exchange asks the host for a key we can
     * check rather than one of another type (which would look unknown).
     */
    public synchronized List<String> knownKeyTypes(HostAddress address) {
        String name = lookupName(address);
        List<String> types = new ArrayList<>();
        for (KnownHostEntry e : entries) {
            if (!(e instanceof HostEntry) || e.getLine().startsWith("@")) continue;
            try {
                if (e.appliesTo(name) && !types.contains(e.getType().toString())) types.add(e.getType().toString());
            } catch (IOException ex) {
                // an entry whose hashed name cannot be computed matches nothing
            }
        }
        return types;
    }

    /** Records {@code key} for {@code address} at the end of the file (created 0600, with its directory, if missing). */
    public synchronized void add(HostAddress address, PublicKey key) {
        String line = lineFor(address, key);
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) Files.createDirectories(dir);
            String prefix = "";
            if (Files.exists(path)) {
                byte[] existing = Files.readAllBytes(path);
                if (existing.length > 0 && existing[existing.length - 1] != '\n') prefix = "\n";
            } else {
                Files.createFile(path);
                try {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: keep its default permissions
                }
            }
            Files.writeString(path, prefix + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            entries.addAll(parse(path, line).entries);
        } catch (IOException e) {
            throw new SshException("cannot add the host key of " + address + " to " + path + ": " + e.getMessage(), e);
        }
    }

    /** The line OpenSSH would write: {@code name type base64}. */
    static String lineFor(HostAddress address, PublicKey key) {
        return lookupName(address) + " " + KeyType.fromKey(key) + " " + keyBase64(key);
    }

    /** {@code SHA256:<base64 without padding>} of the key blob, as ssh(1) prints it. */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBlob(key));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String typeLabel(String keyType) {
        if (keyType.startsWith("ssh-ed25519")) return "ED25519";
        if (keyType.startsWith("ecdsa-")) return "ECDSA";
        if (keyType.startsWith("ssh-rsa")) return "RSA";
        if (keyType.startsWith("ssh-dss")) return "DSA";
        return keyType.toUpperCase(Locale.ROOT);
    }

    private static String lookupName(HostAddress address) {
        return address.knownHostsName().toLowerCase(Locale.ROOT);
    }

    private static boolean applies(KnownHostEntry e, KeyType type, String name) {
        try {
            return e.appliesTo(type, name);
        } catch (IOException ex) {
            return false;
        }
    }

    private static byte[] keyBlob(PublicKey key) {
        Buffer.PlainBuffer buf = new Buffer.PlainBuffer().putPublicKey(key);
        return Arrays.copyOfRange(buf.array(), buf.rpos(), buf.wpos());
    }

    private static String keyBase64(PublicKey key) {
        return Base64.getEncoder().encodeToString(keyBlob(key));
    }
}
