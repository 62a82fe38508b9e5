package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One machine cut off the network (its veth down) for longer than agent_ttl, then healed. Meanwhile its units run
 * elsewhere (its own copies keep running: it cannot learn they moved); after healing the stale copies stop within
 * 5 s, and every unit ends on exactly one machine, scheduled.
 */
final class PartitionScenario implements Scenario {
    static final Duration STALE_LIMIT = InvariantChecker.DOUBLE_RUN_WINDOW;

    @Override
    public String name() {
        return "machine_partitioned";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        String victim = c.victimOtherThanLeader();
        List<String> moving = c.nonGlobalUnitsOn(victim);
        long limit = ChaosCluster.AGENT_TTL.plusSeconds(5).toMillis();
        long t = System.nanoTime();
        c.cutNetwork(victim);
        long movedAt = awaitCopiesElsewhere(c, victim, moving, Duration.ofSeconds(60));
        long movedMs = movedAt < 0 ? -1 : (movedAt - t) / 1_000_000;
        // stay cut off past agent_ttl (the copies elsewhere already prove the machine was given up)
        // (its own copies must run all that time: it cannot read the registry, so nothing told it to stop them)
        Duration pastTtl = ChaosCluster.AGENT_TTL.plusSeconds(3).minusNanos(System.nanoTime() - t);
        boolean keptOwnCopies = ChaosCluster.holdsThroughout(pastTtl.isNegative() ? Duration.ZERO : pastTtl,
                () -> moving.stream().allMatch(u -> c.checker().runningOn(u).contains(victim)));
        long healed = System.nanoTime();
        c.healNetwork(victim);
        long staleGoneAt = ChaosCluster.whenTrue(Duration.ofSeconds(60), Duration.ofMillis(50),
                () -> moving.stream().noneMatch(u -> c.checker().runningOn(u).contains(victim)));
        long staleMs = staleGoneAt < 0 ? -1 : (staleGoneAt - healed) / 1_000_000;
        long converged = c.awaitConverged(Duration.ofSeconds(60));
        c.checker().awaitStopsVerified(Duration.ofSeconds(30));
        o.figure("victim", victim);
        o.figure("units_moved", moving.size());
        o.figure("units_active_elsewhere_ms", movedMs);
        o.figure("stale_copies_stopped_after_heal_ms", staleMs);
        o.figure("converged_after_heal_ms", converged < 0 ? -1 : (System.nanoTime() - healed) / 1_000_000);
        o.require(movedMs >= 0 && movedMs <= limit, "units of the cut-off " + victim + " active elsewhere after " + movedMs + " ms (limit " + limit + ")");
        o.require(keptOwnCopies, "the cut-off machine stopped its own copies before it could read the registry");
        o.require(staleMs >= 0 && staleMs <= STALE_LIMIT.toMillis(),
                "stale copies on " + victim + " stopped " + staleMs + " ms after healing (limit " + STALE_LIMIT.toMillis() + ")");
        o.require(converged >= 0, "not converged after healing: " + c.notConvergedReason().orElse("?"));
    }

    /** When every unit also runs on some machine other than the victim (the victim's copy may still run). */
    private static long awaitCopiesElsewhere(ChaosCluster c, String victim, List<String> units, Duration patience) {
        return ChaosCluster.whenTrue(patience, Duration.ofMillis(50),
                () -> units.stream().allMatch(u -> c.checker().runningOn(u).stream().anyMatch(m -> !m.equals(victim))));
    }
}
