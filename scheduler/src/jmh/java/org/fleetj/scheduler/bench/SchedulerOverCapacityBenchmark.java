package org.fleetj.scheduler.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fleetj.scheduler.ClusterSnapshot;
import org.fleetj.scheduler.Plan;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.scheduler.UnitSpec;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The steady-state pass of {@link SchedulerBenchmark}'s 10,000-unit cluster with 1,000 more {@code web@N}
 * instances ({@code Conflicts=%p@*.service}): 1,500 instances for 1,000 machines, so 500 of them (and the
 * sidekicks of those) fit nowhere, and every pass retries them. A user starting too many instances must
 * not turn every engine pass into a slow one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SchedulerOverCapacityBenchmark {

    static final int UNITS = 10_000;
    static final int EXTRA_INSTANCES = 1_000;

    private final Scheduler scheduler = Scheduler.leastLoaded();
    private ClusterSnapshot placed;

    @Setup(Level.Trial)
    public void setUp() throws UnitParseException {
        BenchCluster cluster = BenchCluster.generate(UNITS, SchedulerBenchmark.SEED);
        List<UnitSpec> units = new ArrayList<>(cluster.units());
        int machines = cluster.machines().size();
        for (int i = 0; i < EXTRA_INSTANCES; i++) {
            String name = "web@" + (machines + i + 1) + ".service";
            XFleet xfleet = XFleet.from(UnitFile.parse("[Service]\nExecStart=/bin/true\n[X-Fleet]\nConflicts=%p@*.service\n"), name);
            units.add(UnitSpec.unscheduled(name, xfleet, TargetState.LAUNCHED));
        }
        ClusterSnapshot empty = ClusterSnapshot.of(cluster.machines(), units);
        Plan first = scheduler.plan(empty);
        placed = BenchCluster.apply(empty, first);
        Plan again = scheduler.plan(placed);
        long webInstances = units.stream().filter(u -> u.name().startsWith("web@")).count();
        long waiting = again.unplaced().stream().filter(u -> u.unit().startsWith("web@")).count();
        if (!again.isEmpty() || waiting != webInstances - machines) {
            throw new IllegalStateException("expected an empty plan and " + (webInstances - machines)
                    + " web@ instances unplaced, got " + again.tasks().size() + " tasks and " + waiting + " unplaced");
        }
        JitWarmUp.untilQuiet(() -> scheduler.plan(placed));
    }

    @Benchmark
    public Plan steadyStateOverCapacity() {
        return scheduler.plan(placed);
    }
}
