package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.fleetj.testkit.CommandResult;

/**
 * Load: 1,000 units started with one fleetctl call (which waits until each is launched) across the 4 machines: the
 * call succeeds without errors, and every unit runs on exactly one machine's systemd. Then one call destroys them.
 */
final class LoadScenario implements Scenario {
    private final int units;

    LoadScenario(int units) {
        this.units = units;
    }

    @Override
    public String name() {
        return "load_" + units + "_units";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        List<String> start = new ArrayList<>(List.of("start"));
        List<String> destroy = new ArrayList<>(List.of("destroy"));
        for (int i = 1; i <= units; i++) {
            String n = String.format("chaos-load-%04d.service", i);
            start.add(c.unitFile(n, "[Unit]\nDescription=chaos load unit " + i + "\n\n[Service]\nExecStart=/bin/sleep infinity\n").toString());
            destroy.add(n);
        }
        long t = System.nanoTime();
        CommandResult r = c.fleetctl(Duration.ofMinutes(10), start.toArray(String[]::new));
        long callMs = (System.nanoTime() - t) / 1_000_000;
        o.figure("fleetctl_start_exit", r.exitCode());
        o.figure("fleetctl_start_ms", callMs);
        o.require(r.succeeded(), "fleetctl start of " + units + " units exited " + r.exitCode() + ": " + tail(r.stderr()));
        o.require(!r.stderr().contains("rror"), "fleetctl start printed errors: " + tail(r.stderr()));
        // polled every second (each look asks every machine's systemd): the figure's resolution
        AtomicReference<Map<String, Integer>> seen = new AtomicReference<>(Map.of());
        long activeAt = ChaosCluster.whenTrue(Duration.ofMinutes(5), Duration.ofSeconds(1), () -> {
            seen.set(activeLoadUnits(c));
            return seen.get().values().stream().mapToInt(Integer::intValue).sum() >= units;
        });
        long allActive = activeAt < 0 ? -1 : (activeAt - t) / 1_000_000;
        Map<String, Integer> perMachine = seen.get();
        o.figure("all_active_in_systemd_ms", allActive);
        o.figure("per_machine", perMachine.toString().replace(" ", ""));
        o.require(allActive >= 0, "not every load unit active in systemd: " + perMachine);
        o.require(perMachine.values().stream().mapToInt(Integer::intValue).sum() == units,
                "active load units " + perMachine + " do not add up to " + units + " (a unit on two machines?)");
        long d = System.nanoTime();
        CommandResult gone = c.fleetctl(Duration.ofMinutes(10), destroy.toArray(String[]::new));
        o.require(gone.succeeded(), "fleetctl destroy of " + units + " units exited " + gone.exitCode() + ": " + tail(gone.stderr()));
        long clearedAt = ChaosCluster.whenTrue(Duration.ofMinutes(5), Duration.ofSeconds(1),
                () -> activeLoadUnits(c).values().stream().mapToInt(Integer::intValue).sum() == 0);
        long cleared = clearedAt < 0 ? -1 : (clearedAt - d) / 1_000_000;
        o.figure("destroyed_all_ms", cleared);
        o.require(cleared >= 0, "load units still running 5 min after destroy: " + activeLoadUnits(c));
    }

    /** Active chaos-load units per machine, asked of each machine's systemd. */
    private static Map<String, Integer> activeLoadUnits(ChaosCluster c) {
        Map<String, Integer> out = new TreeMap<>();
        for (String m : c.upMachines()) {
            CommandResult r = c.local().sh(m, "sh", "-c", "systemctl list-units --plain --no-legend --state=active 'chaos-load-*' | wc -l");
            out.put(m, r.succeeded() ? Integer.parseInt(r.trimmed()) : 0);
        }
        return out;
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 600 ? "..." + t.substring(t.length() - 600) : t;
    }
}
