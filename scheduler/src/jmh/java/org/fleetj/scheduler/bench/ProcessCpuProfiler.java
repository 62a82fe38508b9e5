package org.fleetj.scheduler.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the benchmark JVM (benchmark thread, GC and compiler threads together) per operation. On a
 * machine shared with other work, wall time grows with the load much more than the CPU time a pass needs,
 * so this is the better figure to compare between runs under different load (not a perfect one: starved
 * compiler threads and a shared cache still cost CPU).
 */
public final class ProcessCpuProfiler implements InternalProfiler {

    /** The label of the secondary result. */
    public static final String LABEL = "cpu.time.norm";

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long startNanos;

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startNanos = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long ops = result.getMetadata().getAllOps();
        double msPerOp = ops == 0 ? Double.NaN : (os.getProcessCpuTime() - startNanos) / 1e6 / ops;
        return List.of(new ScalarResult(LABEL, msPerOp, "ms/op", AggregationPolicy.AVG));
    }
}
