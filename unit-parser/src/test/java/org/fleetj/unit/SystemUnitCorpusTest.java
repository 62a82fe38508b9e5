package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every unit file the machine ships parses, and parse → serialize → parse gives the same options in
 * fleet's canonical order (sections grouped by first appearance) and the same hash.
 */
class SystemUnitCorpusTest {

    @Test
    void everyShippedUnitFileParsesAndRoundTrips() throws IOException {
        TreeMap<Path, Path> files = SystemUnitFiles.find();
        assertTrue(!files.isEmpty(), "no unit files found under /lib/systemd/system, /usr/lib/systemd/system, /etc/systemd/system "
                + "or the user unit directories; this test needs a machine with systemd");
        List<String> failures = new ArrayList<>();
        int parsed = 0;
        int options = 0;
        int withContinuations = 0;
        for (Map.Entry<Path, Path> e : files.entrySet()) {
            Path file = e.getKey();
            try {
                UnitFile unit = UnitFile.parse(Files.readAllBytes(file));
                UnitFile reparsed = UnitFile.parse(unit.serialize());
                assertEquals(canonicalOrder(unit.options()), reparsed.options(), "options after a round trip of " + file);
                assertEquals(unit.serialize(), reparsed.serialize(), "serialization after a round trip of " + file);
                assertEquals(unit.hash(), reparsed.hash(), "hash after a round trip of " + file);
                parsed++;
                options += unit.options().size();
                if (unit.options().stream().anyMatch(o -> o.value().contains("\n"))) withContinuations++;
            } catch (UnitParseException | AssertionError ex) {
                failures.add(file + " (found as " + e.getValue() + "): " + ex.getMessage());
            }
        }
        System.out.println("corpus_unit_files_parsed=" + parsed + " corpus_options=" + options
                + " corpus_files_with_continuations=" + withContinuations);
        assertTrue(failures.isEmpty(), failures.size() + " of " + files.size() + " shipped unit files failed:\n"
                + String.join("\n", failures));
    }

    /** The options stably grouped by section, sections in order of first appearance: fleet's serialized order. */
    static List<UnitOption> canonicalOrder(List<UnitOption> options) {
        Map<String, List<UnitOption>> bySection = new LinkedHashMap<>();
        for (UnitOption o : options) bySection.computeIfAbsent(o.section(), k -> new ArrayList<>()).add(o);
        List<UnitOption> out = new ArrayList<>();
        bySection.values().forEach(out::addAll);
        return out;
    }
}
