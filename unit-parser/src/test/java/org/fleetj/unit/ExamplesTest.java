package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every unit under examples/ parses, has a valid name and valid [X-Fleet] requirements, without warnings. */
class ExamplesTest {
    /** Surefire runs in the module directory; the examples live next to it. */
    private static final Path EXAMPLES = Path.of("..", "examples");

    private static final String SHELL_LOOP =
            "/bin/sh -c \"trap 'exit 0' INT TERM; while true; do echo Hello World; sleep 1; done\"";

    private static TreeMap<String, UnitFile> examples() throws IOException, UnitParseException {
        assertTrue(Files.isDirectory(EXAMPLES), "examples directory not found at " + EXAMPLES.toAbsolutePath());
        TreeMap<String, UnitFile> units = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(EXAMPLES)) {
            files = walk.filter(Files::isRegularFile).filter(SystemUnitFiles::hasUnitSuffix).sorted().toList();
        }
        for (Path f : files) {
            units.put(EXAMPLES.relativize(f).toString(), UnitFile.parse(Files.readAllBytes(f)));
        }
        return units;
    }

    @Test
    void everyExampleHasAValidNameAndValidRequirements() throws IOException, UnitParseException {
        TreeMap<String, UnitFile> units = examples();
        assertTrue(units.keySet().containsAll(List.of("helloworld.service", "helloworld@.service",
                "helloworld-sidekick@.service", "global-monitor.service", "metadata-example.service",
                "docker/helloworld.service", "docker/helloworld@.service")), units.keySet().toString());
        for (var e : units.entrySet()) {
            String fileName = Path.of(e.getKey()).getFileName().toString();
            UnitName name = UnitName.of(fileName);
            UnitFile unit = e.getValue();
            assertTrue(unit.description().isPresent(), e.getKey() + " has a Description");
            assertEquals(List.of(), XFleetParser.warnings(unit), e.getKey());
            XFleet.from(unit, name.full());
            if (name.isTemplate()) {
                XFleet.from(unit, name.instantiate("1").full());
            }
            System.out.println("example " + e.getKey() + " hash=" + unit.hash().shortForm());
        }
        System.out.println("examples_parsed=" + units.size());
    }

    @Test
    void helloWorldTwinsRunTheShellLoopAndTheOriginalsDocker() throws IOException, UnitParseException {
        TreeMap<String, UnitFile> units = examples();
        for (String twin : List.of("helloworld.service", "helloworld@.service")) {
            assertEquals(List.of(SHELL_LOOP), units.get(twin).values("Service", "ExecStart"), twin);
            UnitFile original = units.get("docker/" + twin);
            assertEquals(original.description(), units.get(twin).description(), twin);
            assertEquals(List.of("/usr/bin/docker run --name busybox1 busybox " + SHELL_LOOP),
                    original.values("Service", "ExecStart"), "docker/" + twin);
            assertEquals(List.of("docker.service"), original.values("Unit", "Requires"), "docker/" + twin);
        }
    }

    @Test
    void exampleRequirementsMeanWhatTheReadmeSays() throws IOException, UnitParseException {
        TreeMap<String, UnitFile> units = examples();
        for (String name : List.of("helloworld@.service", "docker/helloworld@.service")) {
            XFleet x = XFleet.from(units.get(name), "helloworld@2.service");
            assertEquals(List.of("helloworld@*.service"), x.conflicts(), name);
            assertTrue(UnitGlob.matches(x.conflicts().get(0), "helloworld@1.service"));
        }
        assertEquals(XFleet.NONE, XFleet.from(units.get("helloworld.service"), "helloworld.service"));

        XFleet sidekick = XFleet.from(units.get("helloworld-sidekick@.service"), "helloworld-sidekick@7.service");
        assertEquals(List.of("helloworld@7.service"), sidekick.machineOf());

        XFleet global = XFleet.from(units.get("global-monitor.service"), "global-monitor.service");
        assertTrue(global.global());
        assertEquals(Optional.empty(), global.machineId());

        XFleet metadata = XFleet.from(units.get("metadata-example.service"), "metadata-example.service");
        assertEquals(List.of(new MetadataRequirement("role", "web", false),
                new MetadataRequirement("region", "east", false),
                new MetadataRequirement("region", "west", false)), metadata.metadata());
    }
}
