package org.fleetj.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Installs and purges the built fleetd and fleetctl packages with the real dpkg, in a copy-on-write view of this
 * machine: an overlay whose lower layer is the host's root (its dpkg database, Java, adduser) and whose upper layer
 * is a scratch directory, entered with chroot inside a private mount namespace. Nothing reaches the host; the upper
 * layer shows exactly what install and purge changed.
 */
class DebianPackageIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static Path root;
    private static Path upper;

    record Run(int exit, String output) {
    }

    @BeforeAll
    static void layers() throws IOException {
        root = Files.createTempDirectory(TARGET, "deb-root-");
        upper = Files.createDirectories(root.resolve("upper"));
        Files.createDirectories(root.resolve("work"));
        Files.createDirectories(root.resolve("merged"));
        Files.createDirectories(root.resolve("merged"));
    }

    @AfterAll
    static void clean() throws IOException, InterruptedException {
        if (root != null) new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
    }

    /** Runs {@code command} (a shell line) as root inside the overlay's chroot; the debs are at /debs. */
    private static Run inChroot(String command) throws IOException, InterruptedException {
        Path merged = root.resolve("merged");
        String script = "set -e\n"
                + "mount -t overlay overlay -o lowerdir=/,upperdir=" + upper + ",workdir=" + root.resolve("work") + " " + merged + "\n"
                + "mount -t proc proc " + merged + "/proc\n"
                + "mount --rbind /dev " + merged + "/dev\n"
                + "mount -t tmpfs tmpfs " + merged + "/run\n"
                + "mkdir -p " + merged + "/debs && mount --bind " + TARGET + " " + merged + "/debs\n"
                + "exec chroot " + merged + " /bin/sh -c '" + command.replace("'", "'\\''") + "'\n";
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + command);
        return new Run(p.exitValue(), out);
    }

    private static Run ok(String command) throws IOException, InterruptedException {
        Run r = inChroot(command);
        assertEquals(0, r.exit(), command + "\n" + r.output());
        return r;
    }

    /** Regular files and symlinks of the upper layer (what the chroot added or changed), as absolute paths. */
    private static List<String> changed() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(upper)) {
            all.filter(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    return a.isRegularFile() || a.isSymbolicLink();
                } catch (IOException e) {
                    return false;
                }
            }).forEach(p -> files.add("/" + upper.relativize(p)));
        }
        return files;
    }

    @Test
    void installPutsFilesInDebiansPlacesStartsNothingAndPurgeRemovesWhatItAdded() throws Exception {
        ok("dpkg -i /debs/fleetd_*_all.deb /debs/fleetctl_*_all.deb");

        for (String f : List.of("/usr/bin/fleetd", "/usr/bin/fleetctl", "/usr/share/fleet/fleetd/fleetd.jar",
                "/usr/share/fleet/fleetctl/fleetctl.jar", "/etc/fleet/fleet.conf", "/lib/systemd/system/fleetd.service",
                "/lib/systemd/system/fleetd.socket", "/usr/share/doc/fleetd/copyright", "/var/cache/fleet/fleetctl.jsa",
                "/var/cache/fleet/fleetd.jsa")) {
            ok("test -s " + f);
        }
        assertEquals("/etc/fleet/fleet.conf", ok("dpkg-query -W -f='${Conffiles}' fleetd").output().trim().split(" ")[0]);
        assertTrue(ok("getent group fleet").output().startsWith("fleet:"));
        ok("grep -q '^SocketGroup=fleet$' /lib/systemd/system/fleetd.socket");
        // installing enables and starts nothing: fleetd needs etcd_servers= first
        ok("! ls /etc/systemd/system/*.wants/fleetd.* 2>/dev/null");
        // the installed commands run on Debian's Java
        assertTrue(ok("fleetctl --version").output().startsWith("fleetctl version "));
        assertTrue(ok("fleetd --version").output().startsWith("fleetd version "));
        // the archive postinst made fits the installed JVM and jars: with -Xshare:on a JVM that cannot map it refuses to start
        assertTrue(ok("FLEETD_JAVA_OPTS=-Xshare:on fleetd --version").output().startsWith("fleetd version "));
        Run badConfig = inChroot("fleetd --etcd_request_timeout=soon");
        assertEquals(78, badConfig.exit(), badConfig.output());
        assertTrue(badConfig.output().contains("etcd_request_timeout"), badConfig.output());

        ok("dpkg --purge fleetd fleetctl");

        assertFalse(ok("getent group fleet || true").output().contains("fleet:"), "purge removes the fleet group");
        List<String> left = new ArrayList<>();
        for (String f : changed()) {
            // dpkg's own records and logs, and the account files' backups and lock, are the only traces allowed
            if (f.startsWith("/var/lib/dpkg/") || f.startsWith("/var/log/") || f.matches("/etc/(group|gshadow|passwd|shadow)-?|/etc/\\.pwd\\.lock")
                    || f.startsWith("/var/cache/debconf/") || f.startsWith("/var/cache/ldconfig/")) continue;
            left.add(f);
        }
        assertEquals(List.of(), left, "files left after purge");
        ok("test ! -e /etc/fleet && test ! -e /usr/share/fleet && test ! -e /var/cache/fleet");
    }
}
