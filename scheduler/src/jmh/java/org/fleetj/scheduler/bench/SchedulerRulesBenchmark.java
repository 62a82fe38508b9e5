package org.fleetj.scheduler.bench;

import java.util.concurrent.TimeUnit;
import org.fleetj.scheduler.ClusterSnapshot;
import org.fleetj.scheduler.Plan;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.scheduler.SchedulerSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@link SchedulerBenchmark}'s two passes over the same cluster mix with this project's placement rules on
 * ({@link BenchCluster#generate(int, long, boolean)}): capacities and requests on every machine and unit,
 * MaxPerMachine and SpreadBy on template instances, spread ranking. Setup checks that every unit was placed and
 * that planning again changes nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SchedulerRulesBenchmark {

    @Param({"1000", "2000", "5000", "10000"})
    public int units;

    private final Scheduler scheduler = Scheduler.of(SchedulerSettings.DEFAULT);
    private ClusterSnapshot empty;
    private ClusterSnapshot placed;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        ClusterSnapshot[] snapshots = SchedulerBenchmark.prepare(scheduler, BenchCluster.generate(units, SchedulerBenchmark.SEED, true), units);
        empty = snapshots[0];
        placed = snapshots[1];
        ClusterSnapshot measured = params.getBenchmark().endsWith(".placeFromEmpty") ? empty : placed;
        JitWarmUp.untilQuiet(() -> scheduler.plan(measured));
    }

    @Benchmark
    public Plan placeFromEmpty() {
        return scheduler.plan(empty);
    }

    @Benchmark
    public Plan steadyState() {
        return scheduler.plan(placed);
    }
}
