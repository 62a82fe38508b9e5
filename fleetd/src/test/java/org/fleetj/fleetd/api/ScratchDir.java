package org.fleetj.fleetd.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories under /var/tmp (never /tmp: docs/local-cluster.md, "Lessons"), short enough for unix socket paths. */
final class ScratchDir implements AutoCloseable {
    final Path path;

    ScratchDir() {
        try {
            path = Files.createTempDirectory(Path.of("/var/tmp"), "fleetd-api-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path resolve(String name) {
        return path.resolve(name);
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
