package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine leader's machine killed (kill -9): another machine leads within the leader lease's TTL, units started
 * right after the crash (before any new leader exists) are launched, and the dead machine's units move.
 */
final class EngineLeaderCrashScenario implements Scenario {
    private static final int NEW_UNITS = 3;

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
        long newLeaderAt = -1;
        long end = t + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            Optional<String> now = c.registry().engineLeaderQuietly();
            if (now.isPresent() && !now.get().equals(oldLeaderId)) {
                newLeaderAt = System.nanoTime();
                break;
            }
            ChaosCluster.sleep(50);
        }
        long leaderMs = newLeaderAt < 0 ? -1 : (newLeaderAt - t) / 1_000_000;
        long startsDone = MachineCrashScenario.awaitMoved(c, victim, names, Duration.ofSeconds(60));
        long moved = MachineCrashScenario.awaitMoved(c, victim, moving, Duration.ofSeconds(60));
        o.figure("victim", victim);
        o.figure("new_engine_leader_ms", leaderMs);
        o.figure("lease_ttl_ms", ChaosCluster.ENGINE_LEASE_TTL.toMillis());
        o.figure("starts_issued_meanwhile_active_ms", startsDone < 0 ? -1 : (startsDone - t) / 1_000_000);
        o.figure("units_active_elsewhere_ms", moved < 0 ? -1 : (moved - t) / 1_000_000);
        o.require(leaderMs >= 0, "no new engine leader within 60 s");
        o.require(leaderMs <= ChaosCluster.ENGINE_LEASE_TTL.toMillis(),
                "new engine leader after " + leaderMs + " ms, lease TTL " + ChaosCluster.ENGINE_LEASE_TTL.toMillis() + " ms");
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
