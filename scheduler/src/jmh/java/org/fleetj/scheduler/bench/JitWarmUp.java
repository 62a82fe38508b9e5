package org.fleetj.scheduler.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

/**
 * Runs a pass until the JVM's own threads (JIT compilers above all, and GC) have gone quiet, before JMH's timed
 * warm-up starts. JMH warms up for a fixed time; on this shared 2-core machine under load a 10k-unit pass gets only a
 * few runs in that time while the compiler threads, starved like everything else, are still compiling it during the
 * measurement: {@link ProcessCpuProfiler} then charged seconds of compilation to a few dozen passes, and the CPU figure
 * measured the load rather than the pass. A pass is run in rounds until, in two rounds in a row, the rest of the JVM
 * used less CPU than a tenth of what the passes themselves used (or {@link #MAX_WALL_NANOS} passed). Skipped with
 * {@code -Dbench.quick=true} (JMH hands the forks the -D options of the JVM that runs it).
 */
final class JitWarmUp {

    /** Passes per round: enough that a compilation finishing or a GC falls inside a round, not between two. */
    private static final int PASSES_PER_ROUND = 10;
    private static final int QUIET_ROUNDS_NEEDED = 2;
    /** The JVM's other threads may use this share of the passes' own CPU in a quiet round. */
    private static final double QUIET_SHARE = 0.1;
    /** Gives up waiting after this long (the figures then include what is left of the compilation). */
    private static final long MAX_WALL_NANOS = 90_000_000_000L;

    private JitWarmUp() {
    }

    /** Where results go, so that the compiler cannot drop a pass whose result nobody reads. */
    private static volatile int sink;

    /** Runs {@code pass} until the JVM is quiet (see above); returns how many passes that took, for the log. */
    static int untilQuiet(Supplier<?> pass) {
        if (Boolean.getBoolean("bench.quick")) {
            return 0; // a smoke run checks the wiring, not figures
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long deadline = System.nanoTime() + MAX_WALL_NANOS;
        int quietRounds = 0;
        int passes = 0;
        int results = 0;
        while (quietRounds < QUIET_ROUNDS_NEEDED && System.nanoTime() < deadline) {
            long process = os.getProcessCpuTime();
            long own = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < PASSES_PER_ROUND; i++) {
                results += System.identityHashCode(pass.get());
            }
            passes += PASSES_PER_ROUND;
            long ownUsed = threads.getCurrentThreadCpuTime() - own;
            long othersUsed = os.getProcessCpuTime() - process - ownUsed;
            quietRounds = othersUsed < QUIET_SHARE * ownUsed ? quietRounds + 1 : 0;
        }
        sink = results;
        System.out.println("JIT warm-up: " + passes + " passes until the JVM's other threads went quiet"
                + (quietRounds < QUIET_ROUNDS_NEEDED ? " (gave up waiting: they were not)" : ""));
        return passes;
    }
}
