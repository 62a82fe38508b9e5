package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.OptionalInt;

/** The etcd leader killed (SIGKILL) and restarted, twice: quorum holds, and no unit restarts or stops. */
final class EtcdLeaderKillScenario implements Scenario {
    /** fleet.conf's etcd_request_timeout, whose default (1.0 s) the chaos cluster keeps. */
    private static final Duration ETCD_REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /**
     * How long the killed member stays down: five etcd request timeouts, so every fleetd's client has timed out on
     * it and gone to another member several times.
     */
    private static final Duration MEMBER_DOWN = ETCD_REQUEST_TIMEOUT.multipliedBy(5);
    @Override
    public String name() {
        return "etcd_leader_killed_twice";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        int restartsBefore = c.checker().restarts();
        int stopsBefore = c.checker().uninstructedStops();
        var placementBefore = c.placement();
        long worstReelect = 0;
        for (int round = 1; round <= 2; round++) {
            OptionalInt leader = c.local().etcdLeader();
            if (leader.isEmpty()) {
                o.problem("round " + round + ": no etcd leader to kill");
                return;
            }
            long t = System.nanoTime();
            c.local().killEtcd(leader.getAsInt());
            ChaosCluster.await("a new etcd leader", Duration.ofSeconds(30), () -> c.local().etcdLeader().isPresent());
            worstReelect = Math.max(worstReelect, (System.nanoTime() - t) / 1_000_000);
            // fleetd works against the remaining two members meanwhile: nothing moves while the member is down
            boolean kept = ChaosCluster.holdsThroughout(MEMBER_DOWN, () -> c.placement().equals(placementBefore));
            o.require(kept, "round " + round + ": placement changed while etcd member " + leader.getAsInt() + " was down: " + c.placement());
            c.local().startEtcd(leader.getAsInt());
            // the next round starts from a converged cluster (the restarted member healthy, every unit reported)
            o.require(c.awaitConverged(Duration.ofSeconds(60)) >= 0,
                    "round " + round + ": not converged after member " + leader.getAsInt() + " came back: " + c.notConvergedReason().orElse("?"));
        }
        long converged = c.awaitConverged(Duration.ofSeconds(60));
        c.checker().awaitStopsVerified(Duration.ofSeconds(30));
        o.figure("units_restarted", c.checker().restarts() - restartsBefore);
        o.figure("units_stopped", c.checker().uninstructedStops() - stopsBefore);
        o.figure("etcd_new_leader_ms", worstReelect);
        o.figure("converged_after_ms", converged);
        o.require(c.checker().restarts() == restartsBefore, "units were restarted");
        o.require(c.checker().uninstructedStops() == stopsBefore, "units were stopped (moved) although nothing asked for it");
        o.require(c.placement().equals(placementBefore), "placement changed: before " + placementBefore + ", after " + c.placement());
        o.require(converged >= 0, "not converged after the leader kills: " + c.notConvergedReason().orElse("?"));
    }
}
