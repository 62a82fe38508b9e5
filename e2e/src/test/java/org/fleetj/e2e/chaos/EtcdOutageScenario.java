package org.fleetj.e2e.chaos;

import java.time.Duration;

/**
 * Every etcd member down for a while, then back: no unit may stop or restart, and the cluster converges (registry
 * agrees with every machine's systemd again, and a new unit starts) within 10 s of etcd answering again.
 */
final class EtcdOutageScenario implements Scenario {
    static final Duration CONVERGE_LIMIT = Duration.ofSeconds(10);
    private final Duration outage;

    EtcdOutageScenario(Duration outage) {
        this.outage = outage;
    }

    @Override
    public String name() {
        return "etcd_all_down_" + outage.toSeconds() + "s";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        int restartsBefore = c.checker().restarts();
        int stopsBefore = c.checker().uninstructedStops();
        var placementBefore = c.placement();
        c.local().stopEtcd();
        // the outage is the fault under test: held for its whole length, every unit staying where it ran
        boolean keptPlacement = ChaosCluster.holdsThroughout(outage, () -> c.placement().equals(placementBefore));
        c.local().startEtcd();   // returns once every member is healthy
        o.require(keptPlacement, "placement changed while etcd was down: before " + placementBefore + ", then " + c.placement());
        long back = System.nanoTime();
        String probe = "chaos-after-outage.service";
        var start = c.fleetctl(Duration.ofSeconds(60), "start", "--block-attempts=100", c.unitFile(probe, ChaosUnit.plain(probe).unitFile()).toString());
        long newUnitMs = (System.nanoTime() - back) / 1_000_000;
        o.require(start.succeeded(), "fleetctl start after the outage failed: " + start.stderr().strip());
        long converged = c.awaitConverged(Duration.ofSeconds(60));
        long convergedMs = converged < 0 ? -1 : (System.nanoTime() - back) / 1_000_000;
        c.checker().instruct(probe);
        c.fleetctl(Duration.ofSeconds(60), "destroy", probe);
        c.checker().awaitStopsVerified(Duration.ofSeconds(30));
        int restarted = c.checker().restarts() - restartsBefore;
        int stopped = c.checker().uninstructedStops() - stopsBefore;
        o.figure("units_restarted", restarted);
        o.figure("units_stopped", stopped);
        o.figure("new_unit_active_after_ms", newUnitMs);
        o.figure("converged_after_ms", convergedMs);
        o.require(c.checker().restarts() == restartsBefore, "units were restarted");
        o.require(c.checker().uninstructedStops() == stopsBefore, "units were stopped (moved) although nothing asked for it");
        o.require(c.placement().equals(placementBefore), "placement changed: before " + placementBefore + ", after " + c.placement());
        o.require(converged >= 0, "not converged within 60 s of etcd's return: " + c.notConvergedReason().orElse("?"));
        o.require(Math.max(newUnitMs, convergedMs) <= CONVERGE_LIMIT.toMillis(),
                "converged " + Math.max(newUnitMs, convergedMs) + " ms after etcd's return, limit " + CONVERGE_LIMIT.toMillis() + " ms");
    }
}
