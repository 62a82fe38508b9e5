package org.fleetj.scheduler.bench;

import java.util.concurrent.TimeUnit;
import org.fleetj.scheduler.ClusterSnapshot;
import org.fleetj.scheduler.Plan;
import org.fleetj.scheduler.Scheduler;
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
 * One scheduling pass over a {@link BenchCluster} of {@code units} units on {@code units / 10} machines:
 * {@link #placeFromEmpty} places every unit of a freshly submitted cluster; {@link #steadyState} is the
 * pass the engine runs when nothing changed (every unit placed, empty plan). The snapshots are built in
 * setup, as the engine builds them before calling the scheduler; setup also checks that the plans are what
 * the benchmark claims to measure (everything placed; then nothing to do).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SchedulerBenchmark {

    static final long SEED = 0xF1EE7L;

    @Param({"1000", "2000", "5000", "10000"})
    public int units;

    private final Scheduler scheduler = Scheduler.leastLoaded();
    private ClusterSnapshot empty;
    private ClusterSnapshot placed;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        ClusterSnapshot[] snapshots = prepare(scheduler, BenchCluster.generate(units, SEED), units);
        empty = snapshots[0];
        placed = snapshots[1];
        ClusterSnapshot measured = params.getBenchmark().endsWith(".placeFromEmpty") ? empty : placed;
        JitWarmUp.untilQuiet(() -> scheduler.plan(measured));
    }

    /**
     * The snapshots a benchmark measures, {empty, placed}, checked to be what it claims: placing from empty places
     * every unit, and planning again over the result changes nothing.
     */
    static ClusterSnapshot[] prepare(Scheduler scheduler, BenchCluster cluster, int units) {
        ClusterSnapshot empty = cluster.empty();
        Plan first = scheduler.plan(empty);
        if (!first.unplaced().isEmpty() || first.tasks().size() != units) {
            throw new IllegalStateException("placing " + units + " units from empty gave " + first.tasks().size()
                    + " tasks and " + first.unplaced().size() + " unplaced, e.g. " + first.unplaced().stream().limit(3).toList());
        }
        ClusterSnapshot placed = BenchCluster.apply(empty, first);
        Plan again = scheduler.plan(placed);
        if (!again.isEmpty() || !again.unplaced().isEmpty()) {
            throw new IllegalStateException("steady state is not steady: " + again.tasks().stream().limit(3).toList());
        }
        return new ClusterSnapshot[] {empty, placed};
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
