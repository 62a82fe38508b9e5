package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds many thousands of generated and mutated inputs to the parser (and to the [X-Fleet] reader) and
 * proves that the only exception ever thrown is {@link UnitParseException}. Inputs that parse must also
 * survive serialize → parse with the same canonical options and hash.
 *
 * <p>Deterministic: input {@code i} of a generator comes from {@code new Random(BASE_SEED * 1_000_003 + i)}
 * (generators differ by their base seed), and a failure names that seed. To replay other inputs, run
 * with {@code -Dunit.fuzz.seed=<n>}.
 */
class ParserRandomizedTest {
    private static final long BASE_SEED = Long.getLong("unit.fuzz.seed", 20261125L);
    private static final int PER_GENERATOR = 6_000;

    private static final String[] TOKENS = {
        "[Unit]\n", "[Service]\n", "[X-Fleet]\n", "[", "]", "=", "\\", "\\\n", "\n", "\r\n", "\r", "#", ";", " ", "\t",
        "\u0000", "Description", "ExecStart", "MachineOf", "Conflicts", "Global", "MachineMetadata", "MachineID",
        "Replaces", "X-ConditionMachineOf", "%i", "%n", "%%", "%", "\"", "*", "?", "[a-", "@", ".service", "true",
        "k=v", "k!=v", "é", "☃", "𝄞", "\u00a0", "\u3000", "\u001c", "\uFEFF", "\ud800", "\udc00", "x", "yz", "0"
    };

    private static final String[] NAMES = {"a.service", "a@1.service", "a@.service", "x@y.socket", "m.mount"};

    private int inputs;
    private int accepted;
    private int rejected;

    @Test
    void parserOnlyEverThrowsUnitParseException() throws IOException {
        List<byte[]> seeds = seedUnits();
        run("random-bytes", 1, this::randomBytes, seeds);
        run("random-tokens", 2, this::randomTokens, seeds);
        run("mutated-units", 3, this::mutatedUnit, seeds);
        run("long-lines", 4, this::longLines, seeds);
        System.out.println("randomized_inputs=" + inputs + " accepted=" + accepted + " rejected=" + rejected
                + " base_seed=" + BASE_SEED);
        assertTrue(inputs >= 20_000, "ran only " + inputs + " inputs");
        // Both outcomes must be exercised, or the generators are not doing their job.
        assertTrue(accepted > 1_000, "only " + accepted + " inputs parsed");
        assertTrue(rejected > 1_000, "only " + rejected + " inputs were rejected");
    }

    private interface Generator {
        /** Returns a byte[] (parsed as UTF-8 bytes) or a String (parsed as text). */
        Object make(Random r, List<byte[]> seeds);
    }

    private void run(String name, int generator, Generator g, List<byte[]> seeds) {
        for (int i = 0; i < PER_GENERATOR; i++) {
            long seed = (BASE_SEED + generator) * 1_000_003L + i;
            Object input = g.make(new Random(seed), seeds);
            inputs++;
            try {
                check(input, new Random(seed ^ 0x5DEECE66DL));
            } catch (UnitParseException e) {
                rejected++;
                if (e.getMessage() == null || e.getMessage().isBlank()) {
                    fail(name + " seed " + seed + ": UnitParseException without a message");
                }
            } catch (Throwable t) {
                AssertionError err = new AssertionError(name + " input from seed " + seed + " (rerun with -Dunit.fuzz.seed="
                        + BASE_SEED + "): " + t + "\ninput: " + preview(input), t);
                throw err;
            }
        }
    }

    private void check(Object input, Random r) throws UnitParseException {
        UnitFile unit = input instanceof byte[] b ? UnitFile.parse(b) : UnitFile.parse((String) input);
        accepted++;
        String text = unit.serialize();
        unit.hash();
        // A value that ends in a backslash (it came from the end of the text, or from a backslash before \r\n)
        // continues onto the next line when serialized: go-systemd and fleet behave the same, so the round
        // trip is only an identity for the others.
        boolean endsInBackslash = unit.options().stream().anyMatch(o -> o.value().endsWith("\\"));
        if (!endsInBackslash) {
            UnitFile again = UnitFile.parse(text);
            assertEquals(SystemUnitCorpusTest.canonicalOrder(unit.options()), again.options(), "round trip options");
            assertEquals(unit.hash(), again.hash(), "round trip hash");
        }
        XFleetParser.warnings(unit);
        XFleet.from(unit, NAMES[r.nextInt(NAMES.length)]);
    }

    private Object randomBytes(Random r, List<byte[]> seeds) {
        byte[] b = new byte[r.nextInt(r.nextBoolean() ? 64 : 4096)];
        r.nextBytes(b);
        if (r.nextInt(3) == 0) {
            // Mostly printable with a unit header, so some of these get past the first line.
            byte[] head = "[Unit]\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < b.length; i++) if (r.nextInt(10) > 0) b[i] = (byte) (32 + r.nextInt(95));
            byte[] out = new byte[head.length + b.length];
            System.arraycopy(head, 0, out, 0, head.length);
            System.arraycopy(b, 0, out, head.length, b.length);
            return out;
        }
        return b;
    }

    private Object randomTokens(Random r, List<byte[]> seeds) {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(4) > 0) sb.append("[Unit]\n");
        int n = r.nextInt(120);
        for (int i = 0; i < n; i++) {
            // Favour well-formed lines now and then so that deeper rules (continuations, X-Fleet) are reached.
            if (r.nextInt(5) == 0) {
                sb.append(TOKENS[16 + r.nextInt(10)]).append('=').append(TOKENS[r.nextInt(TOKENS.length)]).append('\n');
            } else {
                sb.append(TOKENS[r.nextInt(TOKENS.length)]);
            }
        }
        String s = sb.toString();
        return r.nextBoolean() ? s : s.getBytes(StandardCharsets.UTF_8);
    }

    private Object mutatedUnit(Random r, List<byte[]> seeds) {
        byte[] base = seeds.get(r.nextInt(seeds.size()));
        List<Byte> b = new ArrayList<>(base.length + 64);
        for (byte x : base) b.add(x);
        int mutations = 1 + r.nextInt(6);
        for (int m = 0; m < mutations; m++) {
            int pos = b.isEmpty() ? 0 : r.nextInt(b.size() + 1);
            switch (r.nextInt(9)) {
                case 0 -> { if (pos < b.size()) b.set(pos, (byte) (b.get(pos) ^ (1 << r.nextInt(8)))); }
                case 1 -> b.add(pos, (byte) r.nextInt(256));
                case 2 -> { int len = Math.min(b.size() - Math.min(pos, b.size()), r.nextInt(40)); for (int k = 0; k < len; k++) b.remove(pos); }
                case 3 -> insert(b, pos, "\\\n");
                case 4 -> b.add(pos, (byte) 0);
                case 5 -> insert(b, pos, "x".repeat(2000 + r.nextInt(100)));
                case 6 -> insert(b, pos, TOKENS[r.nextInt(TOKENS.length)]);
                case 7 -> { int end = pos + r.nextInt(200); if (end <= b.size()) b.addAll(end, new ArrayList<>(b.subList(pos, end))); }
                default -> { while (b.size() > pos) b.remove(b.size() - 1); }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) out[i] = b.get(i);
        return out;
    }

    private Object longLines(Random r, List<byte[]> seeds) {
        StringBuilder sb = new StringBuilder("[Service]\n");
        int lines = 1 + r.nextInt(3);
        String[] fill = {"x", "é", "☃", "𝄞"};
        for (int l = 0; l < lines; l++) {
            String f = fill[r.nextInt(fill.length)];
            int targetBytes = 2030 + r.nextInt(40); // straddles the 2047-byte limit
            StringBuilder line = new StringBuilder(r.nextInt(4) == 0 ? "# " : "ExecStart=");
            int bytes = line.length();
            int step = f.getBytes(StandardCharsets.UTF_8).length;
            while (bytes + step <= targetBytes) {
                line.append(f);
                bytes += step;
            }
            if (r.nextInt(5) == 0) line.append('\\');
            sb.append(line).append(r.nextInt(4) == 0 ? "\r\n" : "\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void insert(List<Byte> b, int pos, String s) {
        byte[] add = s.getBytes(StandardCharsets.UTF_8);
        List<Byte> l = new ArrayList<>(add.length);
        for (byte x : add) l.add(x);
        b.addAll(Math.min(pos, b.size()), l);
    }

    /** Real unit files (the machine's and the examples) plus a few built-in ones, so mutation always has material. */
    private static List<byte[]> seedUnits() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add("[Unit]\nDescription=Hello loop\n\n[Service]\nExecStart=/bin/sh -c 'while true; do echo hi; sleep 1; done'\n"
                .getBytes(StandardCharsets.UTF_8));
        seeds.add("[Unit]\nDescription=x\n[Service]\nExecStart=/bin/sh -c \\\n  'echo a' \\\n  'b'\n\n[X-Fleet]\nMachineOf=a@%i.service\n"
                .getBytes(StandardCharsets.UTF_8));
        seeds.add("# c \\\n[X-Fleet]\nConflicts=a* b*\nMachineMetadata=\"r=w\" \"k!=v\"\nGlobal=true\n".getBytes(StandardCharsets.UTF_8));
        for (Path p : SystemUnitFiles.find().keySet()) seeds.add(Files.readAllBytes(p));
        Path examples = Path.of("..", "examples");
        if (Files.isDirectory(examples)) {
            try (var walk = Files.walk(examples)) {
                for (Path p : walk.filter(Files::isRegularFile).filter(SystemUnitFiles::hasUnitSuffix).sorted().toList()) {
                    seeds.add(Files.readAllBytes(p));
                }
            }
        }
        return seeds;
    }

    private static String preview(Object input) {
        String s = input instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : (String) input;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 400); i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.append(s.length() > 400 ? "... (" + s.length() + " chars)" : "").toString();
    }
}
