package org.fleetj.fleetd.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnitFileStoreTest {
    private Path root;

    @BeforeEach
    void createRoot() throws IOException {
        // under target/, not /tmp (house rule: machines booted by other tests may wipe the host's /tmp)
        Path base = Files.createDirectories(Path.of("target", "test-work"));
        root = Files.createTempDirectory(base, "unitfiles").toAbsolutePath();
    }

    @AfterEach
    void deleteRoot() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void writesUnderTheHostRootWhileReportingTheSystemdPath() throws IOException {
        UnitFileStore store = new UnitFileStore(Path.of("/run/fleet/units"), root);
        store.write("web.service", "[Service]\nExecStart=/bin/true\n");

        Path written = root.resolve("run/fleet/units/web.service");
        assertEquals("[Service]\nExecStart=/bin/true\n", Files.readString(written));
        assertEquals(Path.of("/run/fleet/units/web.service"), store.systemdPath("web.service"));
        assertEquals(written, store.writePath("web.service"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("run/fleet/units"))));
    }

    @Test
    void replacesContentsAndLeavesNoTemporaryFiles() throws IOException {
        UnitFileStore store = new UnitFileStore(Path.of("/run/fleet/units"), root);
        store.write("web.service", "one");
        store.write("web.service", "two");
        assertEquals("two", store.read("web.service"));
        try (Stream<Path> files = Files.list(store.writeDirectory())) {
            assertEquals(1, files.count(), "only the unit file, no leftover temp files");
        }
    }

    @Test
    void writesTheLongestNameSystemdAccepts() {
        UnitFileStore store = new UnitFileStore(Path.of("/run/fleet/units"), root);
        String longest = "a".repeat(255 - ".service".length()) + ".service"; // systemd's longest unit name
        store.write(longest, "[Service]\nExecStart=/bin/true\n");
        assertEquals("[Service]\nExecStart=/bin/true\n", store.read(longest));
    }

    @Test
    void removeReportsWhetherThereWasAFile() {
        UnitFileStore store = new UnitFileStore(Path.of("/run/fleet/units"), root);
        store.write("web.service", "x");
        assertTrue(store.remove("web.service"));
        assertFalse(store.exists("web.service"));
        assertFalse(store.remove("web.service"));
    }

    @Test
    void refusesNamesEscapingTheDirectoryAndWritesNothing() throws IOException {
        UnitFileStore store = new UnitFileStore(Path.of("/run/fleet/units"), root);
        assertThrows(RejectedUnitNameException.class, () -> store.write("../../etc/x.service", "x"));
        assertThrows(RejectedUnitNameException.class, () -> store.remove("../x.service"));
        assertFalse(Files.exists(root.resolve("etc/x.service")));
        try (Stream<Path> all = Files.walk(root)) {
            assertEquals(1, all.count(), "nothing but the root itself");
        }
    }

    @Test
    void refusesARelativeUnitsDirectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new UnitFileStore(Path.of("run/units"), root));
        assertTrue(e.getMessage().contains("run/units"), e.getMessage());
    }
}
