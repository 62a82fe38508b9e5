package org.fleetj.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.fleetj.fleetctl.DriverClientFactory;
import org.fleetj.fleetctl.Fleetctl;
import org.fleetj.testkit.LocalCluster;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;

/**
 * A real local cluster (machines with systemd, sshd and the built fleetd; etcd on a bridge) plus the means to
 * use it as a user does (fleetctl, in-process, with the variables {@code scripts/local-cluster env} prints) and
 * to check the truth on each machine (its own systemctl).
 */
final class FleetCluster implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(40);
    /** How often a wait looks again (each look runs fleetctl or a command in a machine). */
    private static final Duration POLL = Duration.ofMillis(100);

    private final LocalCluster cluster;
    private final Map<String, String> env;
    private final Path unitDir;

    private FleetCluster(LocalCluster cluster, Path unitDir) {
        this.cluster = cluster;
        this.env = cluster.env();
        this.unitDir = unitDir;
    }

    static FleetCluster up(int machines, LocalClusterOptions options) {
        LocalCluster c = LocalCluster.create();
        try {
            c.up(machines, options);
            Path dir = Files.createDirectories(Path.of("target", "e2e-units", c.name()).toAbsolutePath());
            return new FleetCluster(c, dir);
        } catch (RuntimeException | IOException e) {
            c.close();
            if (e instanceof IOException io) throw new UncheckedIOException(io);
            throw (RuntimeException) e;
        }
    }

    LocalCluster local() {
        return cluster;
    }

    Map<String, String> env() {
        return env;
    }

    /** What one fleetctl run printed and how it exited. */
    record Run(List<String> args, int exit, String out, String err) {
        Run ok() {
            if (exit != 0) throw new AssertionError("fleetctl " + args + " exited " + exit + "\nstdout: " + out + "\nstderr: " + err);
            return this;
        }

        List<String> lines() {
            return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
        }
    }

    /** Runs fleetctl in-process against this cluster (the etcd driver, as {@code local-cluster env} sets it). */
    Run fleetctl(String... args) {
        return fleetctl(Map.of(), args);
    }

    Run fleetctl(Map<String, String> extraEnv, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> e = org.fleetj.testkit.FleetctlEnv.merge(env, extraEnv);
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream r = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Fleetctl.run(args.clone(), e, new ByteArrayInputStream(new byte[0]), o, r, new DriverClientFactory());
        }
        return new Run(List.of(args), code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes a unit file into this cluster's scratch directory and returns its path (what users pass to fleetctl). */
    String unitFile(String name, String contents) {
        try {
            Path p = unitDir.resolve(name);
            Files.writeString(p, contents);
            return p.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Machine> machines() {
        return cluster.machines();
    }

    Machine machine(String name) {
        return cluster.machine(name);
    }

    /** Machine name (m1...) by machine id. */
    Optional<String> nameOf(String machineId) {
        return machines().stream().filter(m -> m.machineId().equals(machineId)).map(Machine::name).findFirst();
    }

    /** systemd's ActiveState of the unit on that machine, asked of that machine's systemd. */
    String activeState(String machine, String unit) {
        return cluster.sh(machine, "systemctl", "show", "-p", "ActiveState", "--value", unit).trimmed();
    }

    /** Machines (m1...) whose systemd reports the unit active; machines that are down are skipped. */
    List<String> runningOn(String unit) {
        List<String> on = new ArrayList<>();
        for (Machine m : machines()) {
            if (m.hostPid() > 0 && activeState(m.name(), unit).equals("active")) on.add(m.name());
        }
        return on;
    }

    /** MainPID and the monotonic time the unit became active: changes iff systemd (re)started it. */
    String startIdentity(String machine, String unit) {
        return identity(parseShow(cluster.sh(machine, "systemctl", "show", "-p", IDENTITY, unit).stdout()).values().stream()
                .findFirst().orElse(Map.of()));
    }

    private static final String IDENTITY = "Id,ActiveState,MainPID,ActiveEnterTimestampMonotonic,NRestarts";

    private static String identity(Map<String, String> shown) {
        return "MainPID=" + shown.get("MainPID") + " ActiveEnterTimestampMonotonic=" + shown.get("ActiveEnterTimestampMonotonic")
                + " NRestarts=" + shown.get("NRestarts");
    }

    /**
     * Every active unit of ours on every live machine, with its start identity (as {@link #startIdentity}). One
     * command per machine: a wait that looks at this again and again must not cost a command per unit and machine
     * (each is a local-cluster script run, about a second on a loaded machine).
     */
    Map<String, String> startIdentities(List<String> units) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, String>>> shown = show(units, IDENTITY);
        for (String u : units) {
            shown.forEach((m, byUnit) -> {
                Map<String, String> p = byUnit.getOrDefault(u, Map.of());
                if ("active".equals(p.get("ActiveState"))) out.put(u + "@" + m, identity(p));
            });
        }
        return out;
    }

    /** For each unit, the machines (m1...) whose systemd reports it active, as {@link #runningOn}; one command per machine. */
    Map<String, List<String>> placement(List<String> units) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        Map<String, Map<String, Map<String, String>>> shown = show(units, "Id,ActiveState");
        for (String u : units) {
            List<String> on = new ArrayList<>();
            shown.forEach((m, byUnit) -> {
                if ("active".equals(byUnit.getOrDefault(u, Map.of()).get("ActiveState"))) on.add(m);
            });
            out.put(u, on);
        }
        return out;
    }

    /** machine → unit → property → value, from one {@code systemctl show} per machine that is up (in machine order). */
    private Map<String, Map<String, Map<String, String>>> show(List<String> units, String properties) {
        Map<String, Map<String, Map<String, String>>> out = new LinkedHashMap<>();
        for (Machine m : machines()) {
            if (m.hostPid() <= 0) continue;
            List<String> cmd = new ArrayList<>(List.of("systemctl", "show", "-p", properties));
            cmd.addAll(units);
            out.put(m.name(), parseShow(cluster.sh(m.name(), cmd.toArray(String[]::new)).stdout()));
        }
        return out;
    }

    /** unit → property → value from {@code systemctl show -p Id,...} of several units (blocks split by blank lines). */
    private static Map<String, Map<String, String>> parseShow(String stdout) {
        Map<String, Map<String, String>> byUnit = new HashMap<>();
        for (String block : stdout.split("\n\\s*\n")) {
            Map<String, String> p = new HashMap<>();
            block.lines().forEach(l -> {
                int eq = l.indexOf('=');
                if (eq > 0) p.put(l.substring(0, eq), l.substring(eq + 1));
            });
            if (p.containsKey("Id")) byUnit.put(p.get("Id"), p);
        }
        return byUnit;
    }

    /** The machine id of the current engine leader, read straight from etcd. */
    Optional<String> engineLeader() {
        return cluster.etcd().get(cluster.keyPrefix() + "engine/leader");
    }

    void await(String what, BooleanSupplier condition) {
        await(what, PATIENCE, condition);
    }

    static void await(String what, Duration patience, BooleanSupplier condition) {
        Awaitility.await(what).atMost(patience).pollInterval(POLL).until(condition::getAsBoolean);
    }

    /**
     * Checks that {@code condition} holds throughout {@code window} ("nothing happens"): the window must come
     * from the mechanism that would make it fail, and be named so at the caller.
     */
    static void holdsFor(String what, Duration window, BooleanSupplier condition) {
        // a look that sees it broken fails at once (a condition that came back later would not make it true)
        Awaitility.await(what + " throughout " + window.toMillis() + " ms").during(window).atMost(window.plus(PATIENCE))
                .pollInterval(POLL).until(() -> {
                    if (!condition.getAsBoolean()) throw new AssertionError("no longer true within " + window.toMillis() + " ms: " + what);
                    return true;
                });
    }

    /**
     * After a {@code first} answer, repeats {@code attempt} every {@code every} until its answer is {@code good} or
     * {@code patience} is out, and returns the last answer either way (the caller reports what differed).
     */
    static <T> T lastAnswerWithin(T first, Duration patience, Duration every, Supplier<T> attempt, Predicate<T> good) {
        AtomicReference<T> last = new AtomicReference<>(first);
        if (good.test(last.get())) return last.get();
        try {
            Awaitility.await().atMost(patience).pollInterval(every).until(() -> {
                last.set(attempt.get());
                return good.test(last.get());
            });
        } catch (ConditionTimeoutException e) {
            // the last answer says what is still wrong
        }
        return last.get();
    }

    /** Prints a scenario's duration as {@code name=value}, for the test log and the closing note. */
    static void figure(String name, long startNanos) {
        System.out.printf("e2e_%s_ms=%d%n", name, (System.nanoTime() - startNanos) / 1_000_000);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
