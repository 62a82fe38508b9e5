package org.fleetj.fleetd.systemd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory fleet keeps its unit files in. Two views of the same directory are kept apart on
 * purpose: {@link #systemdPath} is the path systemd sees (and is told about over D-Bus), while files are
 * written under {@code hostRoot} — "/" for fleetd on its machine, {@code /proc/<pid1>/root} for a
 * test driving a machine's systemd from outside.
 */
public final class UnitFileStore {
    private static final Logger LOG = LoggerFactory.getLogger(UnitFileStore.class);
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path systemdDirectory;
    private final Path writeDirectory;

    /**
     * @param systemdDirectory the units directory as systemd sees it; must be absolute
     * @param hostRoot         where systemd's "/" is reachable from this process
     */
    public UnitFileStore(Path systemdDirectory, Path hostRoot) {
        Objects.requireNonNull(systemdDirectory, "systemdDirectory");
        Objects.requireNonNull(hostRoot, "hostRoot");
        if (!systemdDirectory.isAbsolute()) {
            throw new IllegalArgumentException("units directory must be an absolute path: " + systemdDirectory);
        }
        this.systemdDirectory = systemdDirectory.normalize();
        Path root = Objects.requireNonNull(this.systemdDirectory.getRoot(), "an absolute path has a root");
        this.writeDirectory = hostRoot.resolve(root.relativize(this.systemdDirectory));
    }

    public Path systemdDirectory() {
        return systemdDirectory;
    }

    public Path writeDirectory() {
        return writeDirectory;
    }

    /** The unit file's path as systemd sees it (what LinkUnitFiles/EnableUnitFiles are given). */
    public Path systemdPath(String name) {
        return inside(systemdDirectory, name);
    }

    /** The unit file's path as this process reaches it. */
    public Path writePath(String name) {
        return inside(writeDirectory, name);
    }

    /**
     * Writes the unit file atomically (temporary file in the same directory, fsync, rename) with mode
     * 0644, so systemd never reads a half-written unit.
     */
    public void write(String name, String contents) {
        Objects.requireNonNull(contents, "contents");
        Path target = writePath(name);
        try {
            createDirectory();
            // the temporary name must not grow with the unit's: ".<255-character name>.<random>.tmp" is over the
            // file system's 255-byte limit, and a unit systemd accepts could then never be written
            Path tmp = Files.createTempFile(writeDirectory, ".fleet-", ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buf = ByteBuffer.wrap(contents.getBytes(StandardCharsets.UTF_8));
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                // set explicitly: createTempFile makes 0600 and the umask must not decide the mode
                Files.setPosixFilePermissions(tmp, FILE_MODE);
                moveAtomically(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new SystemdException(null, "cannot write unit file " + target + ": " + e, e);
        }
        LOG.debug("wrote unit file {} ({} bytes)", target, contents.length());
    }

    /** Deletes the unit file; returns false when there was none. */
    public boolean remove(String name) {
        Path target = writePath(name);
        try {
            return Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new SystemdException(null, "cannot remove unit file " + target + ": " + e, e);
        }
    }

    public boolean exists(String name) {
        return Files.exists(writePath(name));
    }

    /**
     * Every unit file in the directory (name to contents), e.g. those an earlier fleetd left; hidden and
     * temporary files, names that are not unit names and files that cannot be read as UTF-8 text are skipped
     * (their names are still listed, with a null value, so the caller can tell they exist).
     */
    public java.util.Map<String, String> list() {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(writeDirectory)) return out;
        try (java.nio.file.DirectoryStream<Path> dir = Files.newDirectoryStream(writeDirectory)) {
            for (Path p : dir) {
                String name = String.valueOf(p.getFileName()); // never null for a directory entry
                if (name.startsWith(".") || !Files.isRegularFile(p) || !org.fleetj.unit.UnitName.isValid(name)) continue;
                String text;
                try {
                    text = Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    text = null;
                }
                out.put(name, text);
            }
        } catch (IOException e) {
            throw new SystemdException(null, "cannot list unit files in " + writeDirectory + ": " + e, e);
        }
        return out;
    }

    /** Reads a unit file back (for checks and tests). */
    public String read(String name) {
        try {
            return Files.readString(writePath(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read unit file " + writePath(name), e);
        }
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(writeDirectory)) {
            return;
        }
        try {
            Files.createDirectories(writeDirectory);
            Files.setPosixFilePermissions(writeDirectory, DIR_MODE);
        } catch (FileAlreadyExistsException e) {
            // a concurrent writer created it first: fine
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system does not support atomic rename in " + to.getParent(), e);
        }
    }

    private static Path inside(Path directory, String name) {
        UnitNames.requireValid(name);
        Path p = directory.resolve(name).normalize();
        // belt and braces: a valid unit name has no '/', so this only fails if the rules above change
        if (!directory.equals(p.getParent())) {
            throw new RejectedUnitNameException("unit name '" + name + "' escapes the units directory " + directory, null);
        }
        return p;
    }
}
