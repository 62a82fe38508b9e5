package org.fleetj.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories under /var/tmp, never /tmp: a machine booted on the host's root would wipe the host's /tmp
 * (docs/local-cluster.md, "Lessons"), and /var/tmp survives as long as the test needs it.
 */
final class TempDirs {
    static final Path ROOT = Path.of(System.getProperty("fleet.testkit.tmp", "/var/tmp"));

    private TempDirs() {
    }

    static Path create(String prefix) {
        try {
            return Files.createTempDirectory(ROOT, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory under " + ROOT, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
