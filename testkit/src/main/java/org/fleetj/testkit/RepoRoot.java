package org.fleetj.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the checkout: the nearest directory at or above the working directory that holds scripts/local-cluster. */
final class RepoRoot {
    static final String SCRIPT = "scripts/local-cluster";

    private RepoRoot() {
    }

    static Path find() {
        String override = System.getProperty("fleet.repo.root");
        if (override != null) {
            Path p = Path.of(override).toAbsolutePath();
            if (!Files.isExecutable(p.resolve(SCRIPT))) {
                throw new LocalClusterException("-Dfleet.repo.root=" + override + " has no executable " + SCRIPT);
            }
            return p;
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve(SCRIPT))) {
                return p;
            }
        }
        throw new LocalClusterException("no " + SCRIPT + " in " + start + " or any parent directory (set -Dfleet.repo.root)");
    }
}
