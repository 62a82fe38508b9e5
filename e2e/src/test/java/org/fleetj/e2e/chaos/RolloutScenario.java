package org.fleetj.e2e.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.fleetj.testkit.CommandResult;

/**
 * Rolling updates (beyond fleet) on the real cluster, checked by {@link RolloutInvariants} sampling every machine's
 * systemd: 8 {@code helloworld@} instances over the machines, or one global unit, rolled to a new version with
 * {@code fleetctl rollout --max-unavailable=1}. Four kinds:
 * <ul>
 * <li>{@link Kind#PLAIN}: the rollout finishes; never more than one instance down, none doubled, only the new version
 * at the end;</li>
 * <li>{@link Kind#LEADER_KILLED}: the engine leader's fleetd is killed once half the instances are done; the next
 * leader finishes the rollout from its record;</li>
 * <li>{@link Kind#FAILING}: the new version exits at once: the rollout stops after that first instance and, with
 * {@code --auto-revert}, puts the old version back; the other instances are never touched;</li>
 * <li>{@link Kind#GLOBAL}: a global unit rolled machine by machine, one machine at a time.</li>
 * </ul>
 * Each deploys its own units and destroys them at the end.
 */
final class RolloutScenario implements Scenario {
    static final int INSTANCES = 8;
    static final String TEMPLATE = "helloworld@.service";
    static final String GLOBAL_UNIT = "helloglobal.service";
    /** How long a new instance must stay active: a few engine passes (the chaos cluster reconciles every second). */
    static final String MIN_HEALTHY = "2";
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    enum Kind { PLAIN, LEADER_KILLED, FAILING, GLOBAL }

    /**
     * fleetctl's per-request limit (fleet's default is 3 s): these scenarios check the rollout, not how fast etcd
     * answers one request on a machine shared with other builds.
     */
    static final String REQUEST_TIMEOUT = "--request-timeout=30";

    private final Kind kind;

    RolloutScenario(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return switch (kind) {
            case PLAIN -> "rollout_8_instances";
            case LEADER_KILLED -> "rollout_engine_leader_killed";
            case FAILING -> "rollout_failing_auto_revert";
            case GLOBAL -> "rollout_global_unit";
        };
    }

    static String unit(String version, boolean global, boolean fails) {
        String run = fails ? "echo starting " + version + "; exit 3" : "while :; do echo hello " + version + "; sleep 10; done";
        return "[Unit]\nDescription=" + version + "\n\n[Service]\nExecStart=/bin/sh -c \"" + run + "\"\n"
                + (global ? "\n[X-Fleet]\nGlobal=true\n" : "");
    }

    @Override
    public void run(ChaosCluster c, Outcome o) throws Exception {
        boolean global = kind == Kind.GLOBAL;
        List<String> units = new ArrayList<>();
        if (global) {
            units.add(GLOBAL_UNIT);
        } else {
            for (int i = 1; i <= INSTANCES; i++) units.add("helloworld@" + i + ".service");
        }
        String name = global ? GLOBAL_UNIT : TEMPLATE;
        Set<String> machines = new TreeSet<>(c.upMachines());
        RolloutInvariants invariants = new RolloutInvariants(units, global, 1, machines);
        List<SystemdSampler> samplers = new ArrayList<>();
        for (String m : machines) samplers.add(new SystemdSampler(c.local(), m, units, invariants).start());
        try {
            String v1 = "hello v1 " + name();
            Path old = write(c, "v1", name, unit(v1, global, false));
            List<String> start = new ArrayList<>(List.of(REQUEST_TIMEOUT, "start", "--no-block"));
            if (global) start.add(old.toString());
            else units.forEach(u -> start.add(old.resolveSibling(u).toString()));
            c.fleetctl(Duration.ofSeconds(60), start.toArray(String[]::new)).requireSuccess();
            ChaosCluster.await("every instance of " + name + " active on v1", PATIENCE, () -> invariants.notAllOn(v1).isEmpty());
            invariants.arm();
            long t = System.nanoTime();
            switch (kind) {
                case PLAIN, GLOBAL -> plain(c, o, invariants, name, global);
                case LEADER_KILLED -> leaderKilled(c, o, invariants, name);
                case FAILING -> failing(c, o, invariants, name, v1);
            }
            o.figure("rollout_ms", (System.nanoTime() - t) / 1_000_000);
            o.figure("most_instances_down", invariants.mostDown());
            o.figure("sample_rounds", invariants.rounds());
            invariants.violations().forEach(v -> o.problem("invariant: " + v));
            o.require(invariants.rounds() > 0, "no complete round of samples while the rollout ran");
        } finally {
            invariants.disarm();
            samplers.forEach(SystemdSampler::close);
            List<String> destroy = new ArrayList<>(List.of(REQUEST_TIMEOUT, "destroy"));
            destroy.addAll(units);
            if (!global) destroy.add(TEMPLATE);
            c.fleetctl(Duration.ofSeconds(60), destroy.toArray(String[]::new));
        }
    }

    private void plain(ChaosCluster c, Outcome o, RolloutInvariants invariants, String name, boolean global) {
        String v2 = "hello v2 " + name();
        Path file = write(c, "v2", name, unit(v2, global, false));
        CommandResult r = c.fleetctl(PATIENCE, REQUEST_TIMEOUT, "rollout", "--max-unavailable=1", "--min-healthy=" + MIN_HEALTHY, "--deadline=60", file.toString());
        o.require(r.succeeded(), "fleetctl rollout exited " + r.exitCode() + ": " + r.stderr().strip());
        o.require(r.stdout().contains("Rollout of " + name + " succeeded"), "no success line: " + r.stdout());
        awaitAllOn(o, invariants, v2);
        // the record, read through either driver: the API's /rollouts (beyond fleet) and etcd directly
        CommandResult json = c.fleetctlOverApi(c.upMachines().get(0), Duration.ofSeconds(30), REQUEST_TIMEOUT, "rollout", "status", "-o", "json", name);
        o.require(json.stdout().contains("\"phase\":\"succeeded\"") && count(json.stdout(), "\"step\":\"done\"") == (global
                ? c.upMachines().size() : INSTANCES), "rollout status -o json over the API: " + json.stdout() + json.stderr());
        CommandResult table = c.fleetctl(Duration.ofSeconds(30), REQUEST_TIMEOUT, "rollout", "status");
        o.require(table.stdout().lines().anyMatch(l -> l.startsWith(name) && l.contains("succeeded")), "rollout status: " + table.stdout());
        if (global) {
            CommandResult cat = c.fleetctl(Duration.ofSeconds(30), REQUEST_TIMEOUT, "cat", GLOBAL_UNIT);
            o.require(cat.stdout().contains("Description=" + v2), "the global unit itself was not given the new file: " + cat.stdout());
            o.require(phase(c, name).equals(Optional.of("succeeded")), "rollout record not succeeded: " + phase(c, name));
        }
    }

    private void leaderKilled(ChaosCluster c, Outcome o, RolloutInvariants invariants, String name) {
        String v2 = "hello v2 " + name();
        Path file = write(c, "v2", name, unit(v2, false, false));
        c.fleetctl(Duration.ofSeconds(60), REQUEST_TIMEOUT, "rollout", "--no-block", "--max-unavailable=1", "--min-healthy=" + MIN_HEALTHY, "--deadline=60",
                file.toString()).requireSuccess();
        ChaosCluster.await("half the instances done", PATIENCE, () -> done(c, name) >= INSTANCES / 2);
        String leaderId = c.registry().engineLeaderQuietly().orElseThrow(() -> new IllegalStateException("no engine leader"));
        String leader = c.machineNamed(leaderId).orElseThrow();
        o.figure("killed_leader", leader);
        o.figure("done_when_killed", done(c, name));
        // fleetd alone dies (its machine and units stay) and stays down until another engine leads
        invariants.agentDown(leader);
        c.local().sh(leader, "sh", "-c", "systemctl kill -s KILL fleetd.service; systemctl stop fleetd.service").requireSuccess();
        ChaosCluster.await("another engine leader", Duration.ofSeconds(60),
                () -> c.registry().engineLeaderQuietly().filter(l -> !l.equals(leaderId)).isPresent());
        c.local().sh(leader, "systemctl", "start", "fleetd.service").requireSuccess();
        ChaosCluster.await("the rollout finished under the new leader", PATIENCE, () -> phase(c, name).filter(p -> !p.equals("running")).isPresent());
        o.require(phase(c, name).equals(Optional.of("succeeded")), "rollout ended " + phase(c, name));
        awaitAllOn(o, invariants, v2);
        // its agent is back once it has stopped the copies the engine moved away meanwhile (if it was gone that long)
        ChaosCluster.await("no instance on two machines after fleetd on " + leader + " came back", Duration.ofSeconds(90),
                () -> invariants.doubled().isEmpty());
        invariants.agentBack(leader);
        o.figure("doubles_while_fleetd_down", invariants.doublesWhileAgentAway());
    }

    private void failing(ChaosCluster c, Outcome o, RolloutInvariants invariants, String name, String v1) {
        String bad = "hello bad " + name();
        Path file = write(c, "bad", name, unit(bad, false, true));
        CommandResult r = c.fleetctl(PATIENCE, REQUEST_TIMEOUT, "rollout", "--auto-revert", "--max-unavailable=1", "--min-healthy=" + MIN_HEALTHY,
                "--deadline=30", file.toString());
        o.require(r.exitCode() == 1, "fleetctl rollout of a failing version exited " + r.exitCode());
        o.require(r.stderr().contains("Rollout of " + name + " reverted"), "no revert reported: " + r.stderr());
        String status = statusRecord(c, name);
        o.require(count(status, "\"step\":\"reverted\"") == 1, "not exactly one instance tried and reverted: " + status);
        o.require(count(status, "\"step\":\"waiting\"") == INSTANCES - 1, "instances other than the first were touched: " + status);
        awaitAllOn(o, invariants, v1);
    }

    private static void awaitAllOn(Outcome o, RolloutInvariants invariants, String version) {
        try {
            ChaosCluster.await("every instance active on " + version, Duration.ofSeconds(30), () -> invariants.notAllOn(version).isEmpty());
        } catch (IllegalStateException e) {
            o.problem(e.getMessage() + ": " + invariants.notAllOn(version).orElse(""));
        }
    }

    /** The engine's rollout record as etcd holds it (empty when none yet or etcd cannot be read). */
    private static String statusRecord(ChaosCluster c, String unit) {
        try {
            return c.registry().range("rollout-status/" + unit).getOrDefault("rollout-status/" + unit, "");
        } catch (RegistryProbe.UnreachableException e) {
            return "";
        }
    }

    private static Optional<String> phase(ChaosCluster c, String unit) {
        String v = statusRecord(c, unit);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.replaceAll(".*\"phase\"\\s*:\\s*\"([a-z]+)\".*", "$1"));
    }

    private static int done(ChaosCluster c, String unit) {
        return count(statusRecord(c, unit), "\"step\":\"done\"");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Writes a version's unit file in its own directory (fleetctl names the unit after the file). */
    private static Path write(ChaosCluster c, String version, String name, String text) {
        try {
            Path dir = Files.createDirectories(c.unitDir().resolve("rollout-" + version));
            Path p = dir.resolve(name);
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
