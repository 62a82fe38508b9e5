package org.fleetj.e2e.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.fleetj.testkit.CommandResult;
import org.fleetj.testkit.CommandRunner;
import org.fleetj.testkit.LocalCluster;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;

/**
 * The cluster the scenarios torment: a real local cluster (4 machines with systemd and fleetd, a 3-member etcd),
 * the unit mix running on it, one {@link SystemdSampler} per machine feeding the {@link InvariantChecker}, the
 * registry as etcd itself reports it ({@link RegistryProbe}), and fleetctl run as users run it ({@code bin/fleetctl},
 * etcd driver, with the variables {@code scripts/local-cluster env} prints).
 */
final class ChaosCluster implements AutoCloseable {
    static final int MACHINES = 4;
    static final int ETCD_MEMBERS = 3;
    static final Duration AGENT_TTL = Duration.ofSeconds(10);
    /** fleet.conf engine_reconcile_interval; the engine's leader lease lives 5 intervals. */
    static final Duration ENGINE_RECONCILE = Duration.ofSeconds(1);
    static final Duration ENGINE_LEASE_TTL = ENGINE_RECONCILE.multipliedBy(5);

    private final Path repo;
    private final LocalCluster cluster;
    private final Map<String, String> env;
    private final RegistryProbe registry;
    private final InvariantChecker checker;
    private final List<SystemdSampler> samplers = new ArrayList<>();
    private final Path unitDir;
    private final Set<String> cut = new HashSet<>();
    /**
     * Machine name to machine id, read once: a machine keeps its id across kill and start. Asking the cluster instead
     * runs the local-cluster tool each time, and a convergence check that did so per unit took 11-12 s on a loaded
     * host, which alone broke the 10 s convergence limit of etcd_all_down_20s.
     */
    private final Map<String, String> machineIds;

    private ChaosCluster(Path repo, LocalCluster cluster) {
        this.repo = repo;
        this.cluster = cluster;
        Map<String, String> e = new java.util.HashMap<>(cluster.env());
        // fleetctl's etcd driver pays for loading the gRPC stack inside its first request's --request-timeout (3 s by
        // default); on the shared host, loaded by others' builds (load average 14-18), that alone timed out the unit mix's
        // start twice in a row before any scenario ran. The scenarios judge fleetd, not fleetctl's start-up on a busy host.
        e.putIfAbsent("FLEETCTL_REQUEST_TIMEOUT", "10");
        this.env = Map.copyOf(e);
        this.registry = new RegistryProbe(cluster.etcdEndpoints(), cluster.keyPrefix(), cluster.etcdClientTls());
        Map<String, String> ids = new LinkedHashMap<>();
        for (Machine m : cluster.machines()) ids.put(m.name(), m.machineId());
        this.machineIds = Collections.unmodifiableMap(ids);
        this.checker = new InvariantChecker(machineIds, registry);
        this.unitDir = repo.resolve("e2e/target/chaos-units/" + cluster.name());
    }

    static ChaosCluster boot(Path repo, String name) {
        return boot(repo, name, ETCD_MEMBERS);
    }

    /** A cluster with fewer etcd members, for ITs whose faults do not touch etcd (lighter on a shared machine). */
    static ChaosCluster boot(Path repo, String name, int etcdMembers) {
        LocalCluster c = LocalCluster.named(name);
        try {
            c.down();   // a cluster of this name left over by an interrupted run
            c.up(MACHINES, LocalClusterOptions.defaults()
                    .etcdMembers(etcdMembers)
                    .agentTtl(AGENT_TTL.toSeconds() + "s")
                    .conf("engine_reconcile_interval", Long.toString(ENGINE_RECONCILE.toSeconds())));
            return new ChaosCluster(repo, c);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    LocalCluster local() {
        return cluster;
    }

    InvariantChecker checker() {
        return checker;
    }

    RegistryProbe registry() {
        return registry;
    }

    /** Starts sampling every machine's systemd. */
    void startSampling() {
        for (Machine m : cluster.machines()) {
            samplers.add(new SystemdSampler(cluster, m.name(), UnitMix.sampledNames(), checker).start());
        }
    }

    /** Submits and starts the unit mix with one fleetctl call and waits until it has converged. */
    void deployMix() {
        List<String> args = new ArrayList<>(List.of("start", "--no-block"));
        for (ChaosUnit u : UnitMix.UNITS) args.add(unitFile(u.name(), u.unitFile()).toString());
        fleetctl(Duration.ofMinutes(2), args.toArray(String[]::new)).requireSuccess();
        long ms = awaitConverged(Duration.ofSeconds(90));
        if (ms < 0) throw new IllegalStateException("the unit mix did not converge: " + notConvergedReason().orElse("?"));
        System.out.println("chaos: unit mix running after " + ms + " ms: " + placement());
    }

    /** Runs bin/fleetctl as a user would. */
    CommandResult fleetctl(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/fleetctl").toString()));
        cmd.addAll(List.of(args));
        return CommandRunner.run(cmd, env, timeout);
    }

    /** Runs bin/fleetctl with the API driver against that machine's fleetd (instead of etcd directly). */
    CommandResult fleetctlOverApi(String machine, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/fleetctl").toString()));
        cmd.addAll(List.of(args));
        // with the CA and write token on a TLS API; etcd's CA and client certificate left out
        Map<String, String> api = org.fleetj.testkit.FleetctlEnv.merge(env, cluster.apiDriverEnv(cluster.machine(machine)));
        return CommandRunner.run(cmd, api, timeout);
    }

    Path unitFile(String name, String text) {
        try {
            Files.createDirectories(unitDir);
            Path p = unitDir.resolve(name);
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path unitDir() {
        return unitDir;
    }

    List<String> upMachines() {
        return cluster.machines().stream().filter(Machine::isUp).map(Machine::name).toList();
    }

    String machineId(String machine) {
        String id = machineIds.get(machine);
        if (id == null) throw new IllegalArgumentException("chaos cluster " + cluster.name() + " has no machine " + machine);
        return id;
    }

    Optional<String> machineNamed(String machineId) {
        return machineIds.entrySet().stream().filter(e -> e.getValue().equals(machineId)).map(Map.Entry::getKey).findFirst();
    }

    /** The engine leader's machine name, as etcd says. */
    Optional<String> engineLeaderMachine() {
        return registry.engineLeaderQuietly().flatMap(this::machineNamed);
    }

    /** Non-global mix units systemd runs on the machine now. */
    List<String> nonGlobalUnitsOn(String machine) {
        return UnitMix.nonGlobal().stream().map(ChaosUnit::name).filter(u -> checker.runningOn(u).contains(machine)).toList();
    }

    /** A machine that is not the engine leader and runs the most non-global units. */
    String victimOtherThanLeader() {
        Optional<String> leader = engineLeaderMachine();
        return upMachines().stream().filter(m -> leader.map(l -> !l.equals(m)).orElse(true))
                .max(java.util.Comparator.comparingInt(m -> nonGlobalUnitsOn(m).size()))
                .orElseThrow(() -> new IllegalStateException("no machine to pick"));
    }

    Map<String, Set<String>> placement() {
        Map<String, Set<String>> p = new LinkedHashMap<>();
        for (String u : UnitMix.names()) p.put(u, checker.runningOn(u));
        return p;
    }

    void cutNetwork(String machine) {
        checker.isolate(machine);
        cut.add(machine);
        cluster.cutNetwork(machine);
    }

    void healNetwork(String machine) {
        cluster.healNetwork(machine);
        cut.remove(machine);
        checker.rejoin(machine);
    }

    /** Crash: kill -9 of the machine's PID 1; the checker does not count what dies with it as stopped. */
    void kill(String machine) {
        checker.ignore(machine);
        cluster.kill(machine);
    }

    /** Boots a killed machine again and waits until its fleetd registered. */
    void boot(String machine) {
        cluster.start(machine);
        String id = machineId(machine);
        await("machine " + machine + " registered again", Duration.ofSeconds(90), () -> registryView().map(v -> v.machines().containsKey(id)).orElse(false));
        checker.watch(machine);
    }

    Optional<RegistryProbe.View> registryView() {
        try {
            return Optional.of(registry.view());
        } catch (RegistryProbe.UnreachableException e) {
            return Optional.empty();
        }
    }

    /**
     * Why the cluster is not converged, or empty when it is: every up machine sampled and registered, an engine leader,
     * every non-global unit running on exactly one machine which is where the registry schedules it and whose agent
     * reports it active, the MachineOf unit beside its target, the global unit on every machine.
     */
    Optional<String> notConvergedReason() {
        List<String> up = upMachines();
        if (!checker.observedMachines().containsAll(up)) return Optional.of("not every machine sampled yet: " + checker.observedMachines());
        RegistryProbe.View v;
        try {
            v = registry.view();
        } catch (RegistryProbe.UnreachableException e) {
            return Optional.of("registry unreachable: " + e.getMessage());
        }
        for (String m : up) {
            if (!v.machines().containsKey(machineId(m))) return Optional.of(m + " is not registered");
        }
        if (v.engineLeader().isEmpty()) return Optional.of("no engine leader");
        for (ChaosUnit u : UnitMix.UNITS) {
            Set<String> on = checker.runningOn(u.name());
            Map<String, String> states = v.activeStates().getOrDefault(u.name(), Map.of());
            if (u.isGlobal()) {
                if (!on.containsAll(up)) return Optional.of(u.name() + " runs on " + on + ", not on every machine " + up);
                for (String m : up) {
                    if (!"active".equals(states.get(machineId(m)))) return Optional.of(u.name() + " not reported active by " + m);
                }
                continue;
            }
            if (on.size() != 1) return Optional.of(u.name() + " runs on " + on);
            String m = on.iterator().next();
            if (!v.scheduledOn(u.name()).equals(Optional.of(machineId(m)))) {
                return Optional.of(u.name() + " runs on " + m + " but is scheduled to " + v.scheduledOn(u.name()).flatMap(this::machineNamed));
            }
            if (!"active".equals(states.get(machineId(m)))) return Optional.of(u.name() + " not reported active by " + m);
            if (u.machineOf().isPresent() && !checker.runningOn(u.machineOf().get()).equals(on)) {
                return Optional.of(u.name() + " runs on " + on + ", not beside " + u.machineOf().get());
            }
        }
        return Optional.empty();
    }

    /** Milliseconds until converged, or -1 if not within patience. */
    long awaitConverged(Duration patience) {
        long t = System.nanoTime();
        // Each change of the reason is printed with its time: when convergence is slow, the log says what held it.
        String[] last = {""};
        long at = whenTrue(patience, Duration.ofMillis(100), () -> {
            long asked = System.nanoTime();
            Optional<String> reason = notConvergedReason();
            long tookMs = (System.nanoTime() - asked) / 1_000_000;
            String now = reason.orElse("converged");
            if (!now.equals(last[0]) || tookMs > 500) {
                System.out.println("chaos: +" + (System.nanoTime() - t) / 1_000_000 + " ms " + now + " (checked in " + tookMs + " ms)");
                last[0] = now;
            }
            return reason.isEmpty();
        });
        return at < 0 ? -1 : (at - t) / 1_000_000;
    }

    /**
     * Puts everything back after a scenario, whatever it left: network, etcd members, machines; then waits until the
     * cluster converged. Returns the reason when it did not.
     */
    Optional<String> restore() {
        for (String m : List.copyOf(cut)) healNetwork(m);
        cluster.startEtcd();   // every member not running; a no-op when all run
        for (Machine m : cluster.machines()) {
            if (!m.isUp()) boot(m.name());
        }
        if (awaitConverged(Duration.ofSeconds(90)) < 0) return notConvergedReason().or(() -> Optional.of("not converged"));
        return Optional.empty();
    }

    static void await(String what, Duration patience, Supplier<Boolean> condition) {
        if (whenTrue(patience, Duration.ofMillis(100), condition) < 0) {
            throw new IllegalStateException("not within " + patience.toSeconds() + " s: " + what);
        }
    }

    /**
     * The {@link System#nanoTime()} at which {@code condition} was first seen true, looking at once and then every
     * {@code every} (the resolution of the figure measured from it), or -1 when not within {@code patience}.
     */
    static long whenTrue(Duration patience, Duration every, Supplier<Boolean> condition) {
        try {
            Awaitility.await().atMost(patience).pollDelay(Duration.ZERO).pollInterval(every).until(condition::get);
            return System.nanoTime();
        } catch (ConditionTimeoutException e) {
            return -1;
        }
    }

    /**
     * Whether {@code invariant} held at every look (every 100 ms) throughout {@code window}: how a scenario holds a
     * fault (etcd down, a machine cut off) for a window named after what it guards, checking what must not change.
     */
    static boolean holdsThroughout(Duration window, Supplier<Boolean> invariant) {
        try {
            Awaitility.await().during(window).atMost(window.plus(Duration.ofSeconds(60))).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!invariant.get()) throw new InvariantBroken();
                        return true;
                    });
            return true;
        } catch (InvariantBroken e) {
            return false;
        }
    }

    /** Ends a {@link #holdsThroughout} wait at the first look that saw the invariant broken. */
    private static final class InvariantBroken extends RuntimeException {
        InvariantBroken() {
            super("invariant broken", null, false, false);
        }
    }

    @Override
    public void close() {
        samplers.forEach(SystemdSampler::close);
        checker.close();
        cluster.close();
    }
}
