package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** kill -9 of a machine (not the engine leader's): its units active elsewhere within agent_ttl + 5 s. */
final class MachineCrashScenario implements Scenario {
    @Override
    public String name() {
        return "machine_kill9";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        String victim = c.victimOtherThanLeader();
        List<String> moving = c.nonGlobalUnitsOn(victim);
        long limit = ChaosCluster.AGENT_TTL.plusSeconds(5).toMillis();
        String victimId = c.machineId(victim);
        long t = System.nanoTime();
        c.kill(victim);
        long[] keyGone = {-1};
        long moved = awaitMoved(c, victim, moving, Duration.ofSeconds(60), () -> {
            try {
                if (keyGone[0] < 0 && c.registry().range("machine/" + victimId).isEmpty()) keyGone[0] = System.nanoTime();
            } catch (RegistryProbe.UnreachableException e) {
                // next round
            }
        });
        long ms = moved < 0 ? -1 : (moved - t) / 1_000_000;
        o.figure("victim", victim);
        o.figure("units_moved", moving.size());
        o.figure("machine_key_expired_ms", keyGone[0] < 0 ? -1 : (keyGone[0] - t) / 1_000_000);
        o.figure("units_active_elsewhere_ms", ms);
        o.figure("limit_ms", limit);
        o.require(ms >= 0, "units of " + victim + " not active elsewhere within 60 s: " + c.placement());
        o.require(ms <= limit, "units of " + victim + " active elsewhere only after " + ms + " ms (limit " + limit + ")");
        c.boot(victim);
        long converged = c.awaitConverged(Duration.ofSeconds(60));
        o.require(converged >= 0, "not converged after " + victim + " came back: " + c.notConvergedReason().orElse("?"));
    }

    /** The nanoTime at which each unit ran on exactly one machine other than the victim, or -1. */
    static long awaitMoved(ChaosCluster c, String victim, List<String> units, Duration patience) {
        return awaitMoved(c, victim, units, patience, () -> { });
    }

    /** Like {@link #awaitMoved(ChaosCluster, String, List, Duration)}, calling {@code eachRound} on every poll. */
    static long awaitMoved(ChaosCluster c, String victim, List<String> units, Duration patience, Runnable eachRound) {
        // looked at every 50 ms: the resolution of the figures measured from it
        return ChaosCluster.whenTrue(patience, Duration.ofMillis(50), () -> {
            eachRound.run();
            for (String u : units) {
                Set<String> on = c.checker().runningOn(u);
                if (on.size() != 1 || on.contains(victim)) return false;
            }
            return true;
        });
    }
}
