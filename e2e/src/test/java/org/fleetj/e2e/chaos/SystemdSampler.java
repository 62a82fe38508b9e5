package org.fleetj.e2e.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fleetj.testkit.LocalCluster;

/**
 * Asks one machine's systemd about the mix's units about every 200 ms, for as long as the machine runs: one shell
 * loop inside the machine (nsenter into its namespaces) prints {@code systemctl show} of every unit per round, and
 * each complete round goes to the {@link InvariantChecker}. When the machine dies the loop dies with it; the
 * sampler starts a new loop once the machine runs again.
 */
final class SystemdSampler implements AutoCloseable {
    static final String PROPERTIES = "Id,ActiveState,SubState,MainPID,ExecMainStartTimestampMonotonic,NRestarts,InvocationID,Description";

    /** Where complete rounds go: the {@link InvariantChecker}, or a scenario's own checker. */
    interface Sink {
        void observe(String machine, Map<String, UnitSample> samples);

        /** The machine is down: what it ran died with it. */
        void machineUnobservable(String machine);
    }
    private static final String MARK = "@@round";

    private final LocalCluster cluster;
    private final String machine;
    private final List<String> units;
    private final Sink checker;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Process process;
    private volatile long rounds;

    SystemdSampler(LocalCluster cluster, String machine, List<String> units, Sink checker) {
        this.cluster = cluster;
        this.machine = machine;
        this.units = List.copyOf(units);
        this.checker = checker;
        this.thread = new Thread(this::loop, "sampler-" + machine);
        this.thread.setDaemon(true);
    }

    SystemdSampler start() {
        thread.start();
        return this;
    }

    long rounds() {
        return rounds;
    }

    private void loop() {
        try {
            sample();
        } catch (org.fleetj.testkit.TestkitException e) {
            // asking the local cluster for the machine's PID runs a command, which close() may interrupt
            if (!closed) throw e;
        }
    }

    private void sample() {
        while (!closed) {
            long pid = cluster.machine(machine).hostPid();
            if (pid <= 0) {
                checker.machineUnobservable(machine);
                pause(300);
                continue;
            }
            try {
                sampleUntilEof(pid);
            } catch (IOException e) {
                // the machine went away under the loop; try again
            }
            if (cluster.machine(machine).hostPid() != pid) checker.machineUnobservable(machine);
            pause(300);
        }
    }

    private void sampleUntilEof(long pid) throws IOException {
        String script = "while :; do echo " + MARK + "; systemctl show -p " + PROPERTIES + " " + String.join(" ", units)
                + " 2>/dev/null; sleep 0.2; done";
        Process p = new ProcessBuilder("nsenter", "-t", Long.toString(pid), "-a", "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                "sh", "-c", script).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        process = p;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<Map<String, String>> round = null;
            Map<String, String> current = new HashMap<>();
            String line;
            while ((line = r.readLine()) != null && !closed) {
                if (line.equals(MARK)) {
                    if (round != null) {
                        if (!current.isEmpty()) round.add(current);
                        deliver(round);
                    }
                    round = new ArrayList<>();
                    current = new HashMap<>();
                } else if (line.isEmpty()) {
                    if (!current.isEmpty() && round != null) round.add(current);
                    current = new HashMap<>();
                } else {
                    int eq = line.indexOf('=');
                    if (eq > 0) current.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } finally {
            kill(p);
        }
    }

    /** nsenter forks into the machine's pid namespace: the loop is its descendant and must go too. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Only a round that names every unit counts: a half-printed round (systemd going down) says nothing. */
    private void deliver(List<Map<String, String>> round) {
        Map<String, UnitSample> byUnit = new LinkedHashMap<>();
        for (Map<String, String> props : round) {
            if (props.containsKey("Id") && props.containsKey("ActiveState")) byUnit.put(props.get("Id"), UnitSample.of(props));
        }
        if (!byUnit.keySet().containsAll(units)) return;
        rounds++;
        checker.observe(machine, byUnit);
    }

    /**
     * Pacing, not synchronisation: the sampler looks again for a machine that is down three times a second (and
     * samples every 200 ms by design, inside the machine); no result waits on it: the scenarios wait on the
     * checker's conditions ({@code awaitConverged}, {@code awaitStopsVerified}).
     */
    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Process p = process;
        if (p != null) kill(p);
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
