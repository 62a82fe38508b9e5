package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine leader's machine killed (kill -9): another machine leads once the leader lease expires (its TTL after
 * the last keepalive, plus etcd's expiry tick: bounded by TTL + 1 s from the crash), units started
 * right after the crash (before any new leader exists) are launched, and the dead machine's units move.
 */
final class EngineLeaderCrashScenario implements Scenario {
    private static final int NEW_UNITS = 3;
    /**
     * The lease outlives its holder by up to its TTL (the last keepalive may have been just before the crash); etcd
     * then revokes expired leases on a 500 ms tick, and a follower campaigns as soon as its watch sees the key go.
     * So, counted from the crash: TTL + 500 ms + the campaign, bounded here by TTL + 1 s.
     */
    static final Duration LIMIT = ChaosCluster.ENGINE_LEASE_TTL.plusSeconds(1);

    @Override
    public String name() {
        return "engine_leader_machine_killed";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        String oldLeaderId = c.registry().engineLeaderQuietly().orElse("");
        Optional<String> leader = c.machineNamed(oldLeaderId);
        if (leader.isEmpty()) {
            o.problem("no engine leader to kill");
            return;
        }
        String victim = leader.get();
        List<String> moving = c.nonGlobalUnitsOn(victim);
        List<String> files = new ArrayList<>(List.of("start", "--no-block"));
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= NEW_UNITS; i++) {
            String n = "chaos-leaderless-" + i + ".service";
            names.add(n);
            files.add(c.unitFile(n, ChaosUnit.plain(n).unitFile()).toString());
        }
        long t = System.nanoTime();
        c.kill(victim);
        var start = c.fleetctl(Duration.ofSeconds(60), files.toArray(String[]::new));
        o.require(start.succeeded(), "fleetctl start right after the crash failed: " + start.stderr().strip());
        long[] keyGone = {-1};
        // looked at every 20 ms: the resolution of the leader-change figures
        long newLeaderAt = ChaosCluster.whenTrue(Duration.ofSeconds(60), Duration.ofMillis(20), () -> {
            Optional<String> now;
            try {
                now = c.registry().range("engine/leader").values().stream().findFirst();
            } catch (RegistryProbe.UnreachableException e) {
                return false;
            }
            if (now.map(l -> !l.equals(oldLeaderId)).orElse(true) && keyGone[0] < 0) keyGone[0] = System.nanoTime();
            return now.isPresent() && !now.get().equals(oldLeaderId);
        });
        long keyGoneAt = keyGone[0];
        long leaderMs = newLeaderAt < 0 ? -1 : (newLeaderAt - t) / 1_000_000;
        long startsDone = MachineCrashScenario.awaitMoved(c, victim, names, Duration.ofSeconds(60));
        long moved = MachineCrashScenario.awaitMoved(c, victim, moving, Duration.ofSeconds(60));
        o.figure("victim", victim);
        o.figure("new_engine_leader_ms", leaderMs);
        o.figure("old_leader_key_expired_ms", keyGoneAt < 0 ? -1 : (keyGoneAt - t) / 1_000_000);
        o.figure("new_leader_after_expiry_ms", keyGoneAt < 0 || newLeaderAt < 0 ? -1 : (newLeaderAt - keyGoneAt) / 1_000_000);
        o.figure("lease_ttl_ms", ChaosCluster.ENGINE_LEASE_TTL.toMillis());
        o.figure("limit_ms", LIMIT.toMillis());
        o.figure("starts_issued_meanwhile_active_ms", startsDone < 0 ? -1 : (startsDone - t) / 1_000_000);
        o.figure("units_active_elsewhere_ms", moved < 0 ? -1 : (moved - t) / 1_000_000);
        o.require(leaderMs >= 0, "no new engine leader within 60 s");
        o.require(leaderMs <= LIMIT.toMillis(), "new engine leader after " + leaderMs + " ms (limit " + LIMIT.toMillis() + " ms)");
        o.require(startsDone >= 0, "units started during the leader change not all running: " + c.placement());
        o.require(moved >= 0, "units of the dead leader's machine not running elsewhere: " + c.placement());
        c.boot(victim);
        c.checker().instruct(names.toArray(String[]::new));
        List<String> destroy = new ArrayList<>(List.of("destroy"));
        destroy.addAll(names);
        c.fleetctl(Duration.ofSeconds(60), destroy.toArray(String[]::new));
        long converged = c.awaitConverged(Duration.ofSeconds(60));
        o.require(converged >= 0, "not converged after " + victim + " came back: " + c.notConvergedReason().orElse("?"));
    }
}
