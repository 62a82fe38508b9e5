package org.fleetj.fleetd.ops;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fleetj.unit.GoQuote;
import org.fleetj.unit.InvalidUnitNameException;
import org.fleetj.unit.UnitName;

/**
 * A validated request for a unit's journal or {@code systemctl status}: every value a caller sends is checked
 * here, before anything runs, and only these checked values ever reach the command's argument vector.
 *
 * @param machine the machine id asked for ({@code machine=}), if any
 */
record UnitLogQuery(Kind kind, String unit, int lines, String output, boolean follow, Optional<String> machine) {
    /** Most journal lines one request may ask for; more is refused rather than served. */
    static final int MAX_LINES = 100_000;
    static final int DEFAULT_LINES = 10;

    enum Kind { JOURNAL, STATUS }

    private static final Set<String> JOURNAL_PARAMS = Set.of("lines", "output", "follow", "machine");
    private static final Set<String> STATUS_PARAMS = Set.of("machine");

    static UnitLogQuery parse(Kind kind, String unitName, Map<String, List<String>> query, JournalOutputModes modes) throws OpsException {
        String unit = validUnit(unitName);
        Set<String> allowed = kind == Kind.JOURNAL ? JOURNAL_PARAMS : STATUS_PARAMS;
        for (Map.Entry<String, List<String>> param : query.entrySet()) {
            String name = param.getKey();
            if (!allowed.contains(name)) {
                throw new OpsException(400, "unknown query parameter " + GoQuote.q(name) + "; accepted: " + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (param.getValue().size() > 1) throw new OpsException(400, "query parameter " + name + " given more than once");
        }
        int lines = DEFAULT_LINES;
        String output = "short";
        boolean follow = false;
        if (kind == Kind.JOURNAL) {
            Optional<String> l = single(query, "lines");
            if (l.isPresent()) lines = lines(l.get());
            output = single(query, "output").orElse("short");
            if (!modes.contains(output)) {
                throw new OpsException(400, "invalid output mode " + GoQuote.q(output) + ": journalctl accepts " + modes);
            }
            follow = bool("follow", single(query, "follow").orElse("false"));
        }
        Optional<String> machine = single(query, "machine");
        if (machine.isPresent() && !machine.get().matches("[0-9a-f]{1,64}")) {
            throw new OpsException(400, "invalid machine " + GoQuote.q(machine.get()) + ": a machine id (or its prefix) is lowercase hex");
        }
        return new UnitLogQuery(kind, unit, lines, output, follow, machine);
    }

    static String validUnit(String name) throws OpsException {
        try {
            return UnitName.of(name).full();
        } catch (InvalidUnitNameException e) {
            throw new OpsException(400, e.getMessage());
        }
    }

    private static int lines(String v) throws OpsException {
        if (!v.matches("[0-9]{1,9}")) {
            throw new OpsException(400, "invalid lines " + GoQuote.q(v) + ": a whole number from 0 to " + MAX_LINES);
        }
        int n = Integer.parseInt(v);
        if (n > MAX_LINES) throw new OpsException(400, "invalid lines " + n + ": at most " + MAX_LINES + " lines per request (use follow to keep reading)");
        return n;
    }

    private static boolean bool(String name, String v) throws OpsException {
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new OpsException(400, "invalid " + name + " " + GoQuote.q(v) + ": true or false");
        };
    }

    private static Optional<String> single(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /**
     * The command, as an argument vector (no shell): journalctl and systemctl status exactly as fleetctl runs
     * them over SSH, so the output is the same. The unit is one argument ({@code --unit=NAME}, or after {@code --}),
     * so not even a name starting with '-' could be taken for an option.
     */
    List<String> argv() {
        if (kind == Kind.STATUS) return List.of("systemctl", "status", "-l", "--", unit);
        List<String> argv = new java.util.ArrayList<>(List.of("journalctl", "--unit=" + unit, "--no-pager", "-n", Integer.toString(lines),
                "--output", output));
        if (follow) argv.add("-f");
        return List.copyOf(argv);
    }

    /** The query string that asks a peer fleetd for the same thing on machine {@code machineId}. */
    String relayQuery(String machineId) {
        StringBuilder q = new StringBuilder("machine=").append(machineId);
        if (kind == Kind.JOURNAL) q.append("&lines=").append(lines).append("&output=").append(output).append("&follow=").append(follow);
        return q.toString();
    }
}
