package org.fleetj.e2e.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetj.testkit.Machine;

/**
 * {@code scripts/chaos}: fault scenarios on a real local cluster (4 machines, 3 etcd members) while an invariant
 * checker samples every machine's systemd. Prints {@code chaos_<scenario>=PASS|FAIL name=value...} per scenario;
 * exits 1 if any failed, 2 on bad arguments.
 *
 * <pre>
 * Chaos [--quick] [--only NAME[,NAME...]] [--name CLUSTER]
 *   --quick   machine_kill9, fleetd_restarted_everywhere and a 20 s etcd outage (for scripts/test)
 *   --only    run only these scenarios (names as printed, e.g. machine_partitioned)
 * </pre>
 * Run from the repository root (or pass -Dchaos.repo=PATH) after a build; needs root.
 */
public final class Chaos {
    /** Every scenario, by the name it prints. */
    static final List<Scenario> CATALOGUE = List.of(
            new EtcdOutageScenario(Duration.ofSeconds(120)), new EtcdOutageScenario(Duration.ofSeconds(20)), new EtcdLeaderKillScenario(),
            new MachineCrashScenario(), new EngineLeaderCrashScenario(), new PartitionScenario(), new FleetdRestartScenario(),
            new LoadScenario(1000), new MalformedRecordScenario(), new DrainScenario(),
            new RolloutScenario(RolloutScenario.Kind.PLAIN), new RolloutScenario(RolloutScenario.Kind.LEADER_KILLED),
            new RolloutScenario(RolloutScenario.Kind.FAILING), new RolloutScenario(RolloutScenario.Kind.GLOBAL));
    static final List<String> FULL = List.of("etcd_all_down_120s", "etcd_leader_killed_twice", "machine_kill9",
            "engine_leader_machine_killed", "machine_partitioned", "fleetd_restarted_everywhere", "load_1000_units",
            "malformed_record", "drain_across_engine_failover", "rollout_8_instances", "rollout_engine_leader_killed",
            "rollout_failing_auto_revert", "rollout_global_unit");
    static final List<String> QUICK = List.of("machine_kill9", "fleetd_restarted_everywhere", "etcd_all_down_20s");

    private Chaos() {
    }

    public static void main(String[] args) {
        boolean quick = false;
        List<String> only = new ArrayList<>();
        String name = "cx" + Long.toString(ProcessHandle.current().pid(), 36);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> {
                    if (i + 1 >= args.length) usage("--only needs scenario names");
                    only.addAll(List.of(args[++i].split(",")));
                }
                case "--name" -> {
                    if (i + 1 >= args.length) usage("--name needs a cluster name");
                    name = args[++i];
                }
                case "-h", "--help" -> {
                    usage(null);
                }
                default -> usage("unknown argument " + args[i]);
            }
        }
        List<Scenario> scenarios = (only.isEmpty() ? (quick ? QUICK : FULL) : only).stream()
                .map(n -> CATALOGUE.stream().filter(s -> s.name().equals(n)).findFirst().orElse(null))
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        if (scenarios.contains(null)) usage("unknown scenario in " + only);
        Path repo = Path.of(System.getProperty("chaos.repo", ".")).toAbsolutePath().normalize();
        if (!Files.isExecutable(repo.resolve("bin/fleetctl"))) usage("run from the repository root (no bin/fleetctl under " + repo + ")");
        System.exit(run(repo, name, scenarios));
    }

    private static int run(Path repo, String clusterName, List<Scenario> scenarios) {
        long t0 = System.nanoTime();
        int failed = 0;
        try (ChaosCluster c = ChaosCluster.boot(repo, clusterName)) {
            System.out.println("chaos: cluster " + clusterName + " up after " + ms(t0) + " ms: " + c.local().machines().size()
                    + " machines, " + c.local().etcdMembers() + " etcd members");
            c.startSampling();
            c.deployMix();
            for (int i = 0; i < scenarios.size(); i++) {
                Scenario s = scenarios.get(i);
                System.out.println("chaos: --- " + s.name());
                if (!runOne(c, s)) failed++;
                Optional<String> broken = c.restore();
                if (broken.isPresent()) {
                    System.out.println("chaos: the cluster did not recover after " + s.name() + ": " + broken.get());
                    saveLogs(c, repo);
                    for (Scenario left : scenarios.subList(i + 1, scenarios.size())) {
                        System.out.println("chaos_" + left.name() + "=FAIL not run: the cluster did not recover");
                        failed++;
                    }
                    break;
                }
            }
            saveLogs(c, repo);
        } catch (RuntimeException e) {
            System.out.println("chaos: aborted: " + e);
            e.printStackTrace(System.out);
            failed++;
        }
        System.out.println("chaos_wall_s=" + ms(t0) / 1000);
        System.out.println("chaos_scenarios_failed=" + failed + " of " + scenarios.size());
        return failed == 0 ? 0 : 1;
    }

    private static boolean runOne(ChaosCluster c, Scenario s) {
        InvariantChecker checker = c.checker();
        int mark = checker.mark();
        checker.resetLongestDoubleRun();
        Outcome o = new Outcome();
        long t = System.nanoTime();
        try {
            s.run(c, o);
        } catch (Exception | AssertionError e) {
            o.problem("aborted: " + e);
        }
        checker.awaitStopsVerified(Duration.ofSeconds(30));
        var violations = checker.violationsSince(mark);
        o.figure("violations", violations.size());
        o.figure("longest_double_run_ms", checker.longestDoubleRunMs());
        o.figure("wall_ms", ms(t));
        boolean pass = o.problems().isEmpty() && violations.isEmpty();
        System.out.println("chaos_" + s.name() + "=" + (pass ? "PASS" : "FAIL") + " " + o.figures());
        for (String p : o.problems()) System.out.println("chaos:   problem: " + p);
        for (Violation v : violations) System.out.println("chaos:   violation: " + v);
        return pass;
    }

    /** fleetd's journal of every machine, for the post-mortem (kept in e2e/target/chaos-logs/CLUSTER/). */
    private static void saveLogs(ChaosCluster c, Path repo) {
        try {
            Path dir = Files.createDirectories(repo.resolve("e2e/target/chaos-logs/" + c.local().name()));
            for (Machine m : c.local().machines()) {
                if (!m.isUp()) continue;
                var r = c.local().sh(m.name(), "journalctl", "--no-pager", "-o", "short-precise", "-u", "fleetd.service");
                Files.writeString(dir.resolve(m.name() + "-fleetd.log"), r.stdout());
            }
            System.out.println("chaos: fleetd journals saved in " + dir);
        } catch (Exception e) {
            System.out.println("chaos: could not save the journals: " + e);
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void usage(String error) {
        if (error != null) System.err.println("chaos: " + error);
        System.err.println("usage: scripts/chaos [--quick] [--only SCENARIO[,SCENARIO...]] [--name CLUSTER]");
        System.err.println("scenarios: " + String.join(" ", CATALOGUE.stream().map(Scenario::name).toList()));
        System.exit(error == null ? 0 : 2);
    }
}
