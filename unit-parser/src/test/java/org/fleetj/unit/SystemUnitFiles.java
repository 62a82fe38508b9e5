package org.fleetj.unit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The unit files this machine ships, found in systemd's system and user unit directories (each real file once). */
final class SystemUnitFiles {
    static final Set<String> UNIT_SUFFIXES = Set.of("service", "socket", "timer", "path", "device", "mount",
            "automount", "swap", "target", "slice", "scope", "busname", "snapshot");

    private static final Path[] ROOTS = {
        Path.of("/lib/systemd/system"), Path.of("/usr/lib/systemd/system"), Path.of("/etc/systemd/system"),
        Path.of("/usr/lib/systemd/user"), Path.of("/etc/systemd/user")
    };

    private SystemUnitFiles() {
    }

    /** Real path → a path it was found under, sorted, so runs are repeatable. */
    static TreeMap<Path, Path> find() {
        TreeMap<Path, Path> found = new TreeMap<>();
        for (Path root : ROOTS) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(SystemUnitFiles::hasUnitSuffix)
                        .filter(Files::isRegularFile) // follows links; masks (-> /dev/null) and broken links drop out
                        .forEach(p -> found.putIfAbsent(realPath(p), p));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
        }
        return found;
    }

    static boolean hasUnitSuffix(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && UNIT_SUFFIXES.contains(name.substring(dot + 1));
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + p, e);
        }
    }
}
