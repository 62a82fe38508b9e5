package org.fleetj.e2e.chaos;

import java.time.Duration;

/** {@code systemctl restart fleetd} on every machine in turn: no unit restarts or stops. */
final class FleetdRestartScenario implements Scenario {
    @Override
    public String name() {
        return "fleetd_restarted_everywhere";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        int restartsBefore = c.checker().restarts();
        int stopsBefore = c.checker().uninstructedStops();
        var placementBefore = c.placement();
        long t = System.nanoTime();
        long worst = 0;
        for (String m : c.upMachines()) {
            long r = System.nanoTime();
            c.local().sh(m, "systemctl", "restart", "fleetd.service").requireSuccess();
            // back when its agent reports the units it runs again (its state keys live under its new presence lease)
            ChaosCluster.await("fleetd on " + m + " back", Duration.ofSeconds(60), () -> c.notConvergedReason().isEmpty());
            worst = Math.max(worst, (System.nanoTime() - r) / 1_000_000);
        }
        // every agent is back and has recovered its units; what could still act wrongly is the engine, which looks at
        // everything every ENGINE_RECONCILE: two of its passes must restart and stop nothing
        Duration twoEnginePasses = ChaosCluster.ENGINE_RECONCILE.multipliedBy(2);
        boolean quiet = ChaosCluster.holdsThroughout(twoEnginePasses,
                () -> c.checker().restarts() == restartsBefore && c.checker().uninstructedStops() == stopsBefore);
        o.require(quiet, "a unit was restarted or stopped within " + twoEnginePasses.toMillis() + " ms after the restarts");
        long converged = c.awaitConverged(Duration.ofSeconds(60));
        c.checker().awaitStopsVerified(Duration.ofSeconds(30));
        o.figure("units_restarted", c.checker().restarts() - restartsBefore);
        o.figure("units_stopped", c.checker().uninstructedStops() - stopsBefore);
        o.figure("slowest_fleetd_back_ms", worst);
        o.figure("total_ms", (System.nanoTime() - t) / 1_000_000);
        o.require(c.checker().restarts() == restartsBefore, "units were restarted");
        o.require(c.checker().uninstructedStops() == stopsBefore, "units were stopped (moved) although nothing asked for it");
        o.require(c.placement().equals(placementBefore), "placement changed: before " + placementBefore + ", after " + c.placement());
        o.require(converged >= 0, "not converged after the restarts: " + c.notConvergedReason().orElse("?"));
    }
}
