package org.fleetj.scheduler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link SchedulerBenchmark} for every size and writes the figures, one {@code name=value} line each,
 * to the file given as the only argument (JMH's own progress goes to stdout). Used by {@code scripts/bench}.
 *
 * <p>Figures: {@code scheduler_place_<n>_ms} and {@code scheduler_steady_<n>_ms} (time of one pass, n = 1k,
 * 2k, 5k, 10k units on n/10 machines: the median over the measurement iterations of each iteration's mean,
 * so that a burst of load from another process on this shared machine does not decide the figure); {@code scheduler_<kind>_growth_10k_over_1k}, the ratio of
 * the largest to the smallest size (10 is linear, 100 quadratic); {@code scheduler_<kind>_growth_exponent},
 * the least-squares slope of log(time) over log(units) across all sizes (1 is linear, 2 quadratic);
 * {@code scheduler_steady_10k_overcapacity_ms}, {@link SchedulerOverCapacityBenchmark}; {@code scheduler_rules_<kind>_...},
 * the same figures for {@link SchedulerRulesBenchmark} (capacities, requests, MaxPerMachine, SpreadBy). The same with
 * {@code _cpu} are CPU time per pass of the whole benchmark JVM ({@link ProcessCpuProfiler}), which load from
 * other processes inflates less than wall time: {@code scheduler_<kind>_10k_cpu_ms},
 * {@code scheduler_steady_10k_overcapacity_cpu_ms}, {@code scheduler_<kind>_cpu_growth_exponent}.
 *
 * <p>System properties: {@code bench.sizes} (comma-separated unit counts, default 1000,2000,5000,10000),
 * {@code bench.quick=true} (fewer, shorter iterations: a smoke run, not figures to compare).
 */
public final class SchedulerBenchReport {

    private SchedulerBenchReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        if (args.length != 1) {
            System.err.println("usage: SchedulerBenchReport <figures-file>");
            System.exit(2);
        }
        String[] sizes = System.getProperty("bench.sizes", "1000,2000,5000,10000").split(",");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(SchedulerBenchmark.class.getName() + "\\.")
                .include(SchedulerOverCapacityBenchmark.class.getName() + "\\.")
                .include(SchedulerRulesBenchmark.class.getName() + "\\.")
                .addProfiler(ProcessCpuProfiler.class)
                .param("units", sizes);
        options.shouldFailOnError(true); // a benchmark that throws must fail the run, not vanish from the figures
        if (Boolean.getBoolean("bench.quick")) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        // kind ("place"/"steady") -> units -> median ms
        Map<String, TreeMap<Integer, Double>> medians = new TreeMap<>();
        Map<String, TreeMap<Integer, Double>> cpuMedians = new TreeMap<>();
        Double overCapacity = null;
        Double overCapacityCpu = null;
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            if (method.endsWith(".steadyStateOverCapacity")) {
                overCapacity = medianMs(r);
                overCapacityCpu = medianCpuMs(r);
                continue;
            }
            String kind = method.endsWith(".placeFromEmpty") ? "place" : method.endsWith(".steadyState") ? "steady" : null;
            if (kind != null && method.contains(SchedulerRulesBenchmark.class.getSimpleName())) {
                kind = "rules_" + kind;
            }
            if (kind == null) {
                throw new IllegalStateException("unexpected benchmark " + method);
            }
            int units = Integer.parseInt(r.getParams().getParam("units"));
            medians.computeIfAbsent(kind, k -> new TreeMap<>()).put(units, medianMs(r));
            cpuMedians.computeIfAbsent(kind, k -> new TreeMap<>()).put(units, medianCpuMs(r));
        }
        List<String> figures = new ArrayList<>();
        for (String kind : List.of("place", "steady", "rules_place", "rules_steady")) {
            TreeMap<Integer, Double> byUnits = medians.getOrDefault(kind, new TreeMap<>());
            byUnits.forEach((units, ms) -> figures.add("scheduler_" + kind + "_" + label(units) + "_ms=" + format(ms)));
            if (byUnits.size() >= 2) {
                int small = byUnits.firstKey();
                int large = byUnits.lastKey();
                figures.add("scheduler_" + kind + "_growth_" + label(large) + "_over_" + label(small) + "="
                        + String.format(Locale.ROOT, "%.1f", byUnits.get(large) / byUnits.get(small)));
                figures.add("scheduler_" + kind + "_growth_exponent=" + String.format(Locale.ROOT, "%.2f", logLogSlope(byUnits)));
            }
        }
        for (String kind : List.of("place", "steady", "rules_place", "rules_steady")) {
            TreeMap<Integer, Double> byUnits = cpuMedians.getOrDefault(kind, new TreeMap<>());
            if (!byUnits.isEmpty()) {
                figures.add("scheduler_" + kind + "_" + label(byUnits.lastKey()) + "_cpu_ms=" + format(byUnits.lastEntry().getValue()));
            }
            if (byUnits.size() >= 2) {
                figures.add("scheduler_" + kind + "_cpu_growth_exponent=" + String.format(Locale.ROOT, "%.2f", logLogSlope(byUnits)));
            }
        }
        if (overCapacity != null) {
            figures.add("scheduler_steady_" + label(SchedulerOverCapacityBenchmark.UNITS) + "_overcapacity_ms=" + format(overCapacity));
            figures.add("scheduler_steady_" + label(SchedulerOverCapacityBenchmark.UNITS) + "_overcapacity_cpu_ms=" + format(overCapacityCpu));
        }
        Files.write(Path.of(args[0]), figures);
    }

    /** The median of the iteration scores (ms per pass, the benchmarks' output unit). */
    static double medianMs(RunResult r) {
        return r.getPrimaryResult().getStatistics().getPercentile(50);
    }

    /** The median over iterations of the JVM's CPU time per pass, in ms. */
    static double medianCpuMs(RunResult r) {
        Result<?> cpu = r.getSecondaryResults().get(ProcessCpuProfiler.LABEL);
        if (cpu == null) {
            throw new IllegalStateException("no " + ProcessCpuProfiler.LABEL + " result for " + r.getParams().getBenchmark());
        }
        return cpu.getStatistics().getPercentile(50);
    }

    /** 1000 -> "1k", 10000 -> "10k", 1500 -> "1500". */
    static String label(int units) {
        return units % 1000 == 0 ? units / 1000 + "k" : Integer.toString(units);
    }

    /** Three significant figures at most, never scientific notation. */
    static String format(double ms) {
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        return String.format(Locale.ROOT, ms >= 10 ? "%.1f" : ms >= 1 ? "%.2f" : "%.3f", ms);
    }

    /** Least-squares slope of log(ms) against log(units): the exponent k of time ~ units^k. */
    static double logLogSlope(Map<Integer, Double> points) {
        int n = points.size();
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Map.Entry<Integer, Double> p : points.entrySet()) {
            double x = Math.log(p.getKey());
            double y = Math.log(p.getValue());
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }
}
