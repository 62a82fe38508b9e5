package org.fleetj.e2e.chaos;

import java.time.Duration;
import java.util.List;

/**
 * Another tool (or a partial restore) writes values fleet cannot read into etcd: a job, a schedule entry, a unit
 * state and a machine that are not valid JSON. Each is reported and skipped (issue 17): listing keeps working, a
 * new unit is scheduled and runs, and nothing that runs is stopped or moved.
 */
final class MalformedRecordScenario implements Scenario {
    /** Started beside the garbage; a probe of {@link UnitMix}, so the samplers ask systemd about it. */
    static final String UNIT = "chaos-after-garbage.service";

    @Override
    public String name() {
        return "malformed_record";
    }

    @Override
    public void run(ChaosCluster c, Outcome o) {
        int restartsBefore = c.checker().restarts();
        int stopsBefore = c.checker().uninstructedStops();
        var placementBefore = c.placement();
        String prefix = c.local().keyPrefix();
        String someMachine = c.machineId(c.upMachines().get(0));
        List<String> keys = List.of(prefix + "job/chaos-garbage.service", prefix + "schedule/" + someMachine + "/chaos-garbage.service",
                prefix + "state/chaos-garbage.service/" + someMachine, prefix + "machine/ffffffffffffffffffffffffffffffff");
        for (String k : keys) c.local().etcd().put(k, "{written by another tool");
        try {
            long t = System.nanoTime();
            var start = c.fleetctl(Duration.ofSeconds(90), "start", "--block-attempts=30",
                    c.unitFile(UNIT, "[Unit]\nDescription=chaos after garbage\n\n[Service]\nExecStart=/bin/sleep 100000\n").toString());
            o.require(start.exitCode() == 0, "fleetctl start beside the malformed records failed: " + start.stderr().strip());
            ChaosCluster.await(UNIT + " running on one machine", Duration.ofSeconds(30), () -> c.checker().runningOn(UNIT).size() == 1);
            o.figure("new_unit_active_ms", (System.nanoTime() - t) / 1_000_000);
            var list = c.fleetctl(Duration.ofSeconds(30), "list-units", "--no-legend");
            o.require(list.exitCode() == 0 && list.stdout().contains(UNIT), "list-units beside the malformed records: exit "
                    + list.exitCode() + " " + list.stderr().strip());
            var machines = c.fleetctl(Duration.ofSeconds(30), "list-machines", "--no-legend");
            o.require(machines.exitCode() == 0 && machines.stdout().lines().count() == c.upMachines().size(),
                    "list-machines beside a malformed machine record: " + machines.stdout() + machines.stderr());
            c.checker().instruct(UNIT); // its stop is asked for
            c.fleetctl(Duration.ofSeconds(60), "destroy", UNIT);
        } finally {
            for (String k : keys) c.local().etcd().delete(k);
        }
        long converged = c.awaitConverged(Duration.ofSeconds(60));
        c.checker().awaitStopsVerified(Duration.ofSeconds(30));
        o.figure("units_restarted", c.checker().restarts() - restartsBefore);
        o.figure("units_stopped", c.checker().uninstructedStops() - stopsBefore);
        o.require(c.checker().restarts() == restartsBefore, "units were restarted");
        o.require(c.checker().uninstructedStops() == stopsBefore, "units were stopped although nothing asked for it");
        o.require(c.placement().equals(placementBefore), "placement changed: before " + placementBefore + ", after " + c.placement());
        o.require(converged >= 0, "not converged: " + c.notConvergedReason().orElse("?"));
    }
}
