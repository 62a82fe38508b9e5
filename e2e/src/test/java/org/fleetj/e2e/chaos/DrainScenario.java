package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.fleetj.testkit.CommandResult;

/**
 * {@code fleetctl drain} of the busiest machine that is not the engine leader, with the engine leader's machine
 * killed while the drain runs: the drain state survives the failover (the new leader goes on moving units, and
 * {@code list-machines} still shows the machine draining), every unit of the drained machine ends up running on
 * exactly one other machine, and the invariant checker sees no unit lost, doubled beyond its window, restarted or
 * stopped without the registry saying so. Then {@code uncordon} and the cluster converges as before.
 */
final class DrainScenario implements Scenario {

    @Override
    public String name() {
        return "drain_across_engine_failover";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        Optional<String> leader = c.engineLeaderMachine();
        if (leader.isEmpty()) {
            o.problem("no engine leader");
            return;
        }
        String victim = c.local().machines().stream().map(m -> m.name()).filter(m -> !m.equals(leader.get()))
                .max(Comparator.comparingInt((String m) -> c.nonGlobalUnitsOn(m).size())).orElseThrow();
        List<String> moving = c.nonGlobalUnitsOn(victim);
        String victimId = c.machineId(victim);
        o.figure("drained", victim);
        o.figure("units_to_move", moving.size());
        o.require(!moving.isEmpty(), "the busiest machine runs no unit");

        long t = System.nanoTime();
        CommandResult start = c.fleetctl(Duration.ofSeconds(30), "drain", "--no-block", victimId);
        o.require(start.succeeded(), "fleetctl drain --no-block failed: " + start.stderr().strip());
        c.kill(leader.get());
        ChaosCluster.await("a new engine leader", Duration.ofSeconds(60),
                () -> c.engineLeaderMachine().map(l -> !l.equals(leader.get())).orElse(false));
        o.figure("new_leader_ms", (System.nanoTime() - t) / 1_000_000);
        CommandResult shown = c.fleetctl(Duration.ofSeconds(30), "list-machines", "--full", "--no-legend", "--fields", "machine,availability");
        o.require(shown.stdout().contains(victimId + "\tdraining"), "drain state lost in the failover: " + shown.stdout());
        c.boot(leader.get());

        CommandResult drain = c.fleetctl(Duration.ofSeconds(120), "drain", "--timeout", "90", victimId);
        o.require(drain.succeeded(), "fleetctl drain did not finish: " + drain.stdout() + drain.stderr());
        long moved = MachineCrashScenario.awaitMoved(c, victim, moving, Duration.ofSeconds(60));
        o.figure("units_running_elsewhere_ms", moved < 0 ? -1 : (moved - t) / 1_000_000);
        o.require(moved >= 0, "units of the drained machine not each running on exactly one other machine: " + c.placement());
        o.require(c.nonGlobalUnitsOn(victim).isEmpty(), "units still run on the drained machine: " + c.nonGlobalUnitsOn(victim));

        CommandResult uncordon = c.fleetctl(Duration.ofSeconds(30), "uncordon", victimId);
        o.require(uncordon.succeeded(), "fleetctl uncordon failed: " + uncordon.stderr().strip());
        long converged = c.awaitConverged(Duration.ofSeconds(60));
        o.require(converged >= 0, "not converged after the drain: " + c.notConvergedReason().orElse("?"));
    }
}
