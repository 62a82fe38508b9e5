package org.fleetj.fleetd.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.fleetj.fleetd.engine.Engine;
import org.fleetj.fleetd.engine.EngineReconciler;
import org.fleetj.fleetd.engine.EngineStats;
import org.fleetj.fleetd.sim.SimulatedAgent;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;

/**
 * The scale benchmark of {@code scripts/bench scale}: the real {@link Engine} and {@link EtcdRegistry} on a real
 * etcd (testkit {@link EtcdServer}), with {@link SimulatedAgent}s as machines (the real agent on a fake systemd, each watching only its own
 * schedule; one registry client per ten agents, as ten fleetds sharing a connection would be no less
 * faithful: every agent makes its own requests and has its own watch). Users submit units through their own
 * client, sixteen at a time, as the API would for many users.
 *
 * <p>Figures (written to the file named by the first argument, {@code name=value} per line):
 * <ul>
 *   <li>{@code scale_launch_<u>_units_<m>_machines_s}: from the first submission until every unit runs on a
 *       simulated machine, and the same as {@code scale_launch_units_per_s} for the largest run;</li>
 *   <li>{@code scale_requests_per_unit_<m>_machines}: etcd requests of the engine and all agents (submissions
 *       excluded) per launched unit, with {@code scale_agent_passes_per_unit_<m>_machines} and
 *       {@code scale_engine_passes_<m>_machines};</li>
 *   <li>{@code scale_engine_pass_<u>_ms} (median of 7 steady passes with nothing to change),
 *       {@code scale_engine_first_pass_<u>_ms} (a new engine on a registry client that has cached the bodies)
 *       and {@code scale_engine_failover_pass_<u>_ms} (a new engine on a new client: every body read from etcd).</li>
 * </ul>
 * Sizes: system properties {@code bench.scale.units} (10000) and {@code bench.scale.machines} (10,50,100); the
 * largest machine count gets the full unit count, the smaller ones {@code bench.scale.small.units} (2000) so
 * the per-unit figures compare at equal load per decision.
 */
public final class ScaleBench {
    private static final Duration AGENT_TTL = Duration.ofSeconds(30);
    private static final Duration ENGINE_INTERVAL = Duration.ofSeconds(2);
    private static final Duration LOSS_GRACE = Duration.ofSeconds(3);
    private static final String ENGINE_ID = "e0000000000000000000000000000000";
    private static final int AGENTS_PER_CLIENT = 10;
    /** Users submitting at once (the API serves many; etcd commits concurrent writes together). */
    private static final int SUBMITTERS = 16;
    private static final String[] REGIONS = {"us-east", "us-west", "eu-west", "ap-south"};

    private final Map<String, String> figures = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        quietLogging();
        if (args.length != 1) {
            System.err.println("usage: ScaleBench FIGURES_FILE");
            System.exit(2);
        }
        int units = Integer.getInteger("bench.scale.units", 10_000);
        int smallUnits = Integer.getInteger("bench.scale.small.units", 2_000);
        List<Integer> machineCounts = new ArrayList<>();
        for (String s : System.getProperty("bench.scale.machines", "10,50,100").split(",")) machineCounts.add(Integer.parseInt(s.trim()));
        int largest = machineCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        ScaleBench bench = new ScaleBench();
        for (int m : machineCounts) {
            bench.run(m, m == largest ? units : Math.min(units, smallUnits), m == largest);
        }
        StringBuilder out = new StringBuilder();
        bench.figures.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        Files.writeString(Path.of(args[0]), out);
        System.err.print(out);
        System.exit(0); // jetcd's gRPC threads can linger a few seconds after close
    }

    private void run(int machines, int units, boolean full) throws Exception {
        log("run: %d machines, %d units", machines, units);
        List<EtcdRegistry> clients = new ArrayList<>();
        List<SimulatedAgent> agents = new ArrayList<>();
        ExecutorService users = Executors.newFixedThreadPool(SUBMITTERS, daemon("users"));
        Engine engine = null;
        EtcdServer etcd = EtcdServer.start();
        try {
            EtcdRegistry engineRegistry = open(etcd, clients);
            EtcdRegistry userRegistry = open(etcd, clients);
            List<EtcdRegistry> agentRegistries = new ArrayList<>();
            for (int i = 0; i < (machines + AGENTS_PER_CLIENT - 1) / AGENTS_PER_CLIENT; i++) agentRegistries.add(open(etcd, clients));
            for (int m = 0; m < machines; m++) {
                Map<String, String> meta = Map.of("region", REGIONS[m % REGIONS.length], "disk", m % 3 == 0 ? "ssd" : "hdd");
                MachineState self = new MachineState(machineId(m), "10.1." + (m / 250) + "." + (m % 250 + 1), meta, "0.1.0-bench");
                agents.add(new SimulatedAgent(agentRegistries.get(m / AGENTS_PER_CLIENT), self, AGENT_TTL).start());
            }
            waitFor(Duration.ofSeconds(60), () -> engineRegistry.machines().size() == machines, "every machine joined");

            CountingStats stats = new CountingStats();
            engine = new Engine(engineRegistry, ENGINE_ID, ENGINE_INTERVAL,
                    new EngineReconciler(engineRegistry, Scheduler.leastLoaded(), stats, LOSS_GRACE));
            engine.start();
            Engine e = engine;
            waitFor(Duration.ofSeconds(30), e::isLeading, "the engine leads");
            waitFor(Duration.ofSeconds(30), () -> stats.passes.get() > 0, "the engine's first pass");

            List<Registry> counted = new ArrayList<>(agentRegistries);
            counted.add(engineRegistry);
            long requestsBefore = requests(counted);
            Map<String, Long> agentOpsBefore = requestsByOp(agentRegistries);
            Map<String, Long> engineOpsBefore = requestsByOp(List.of(engineRegistry));
            long passesBefore = agentPasses(agents);
            long idleBefore = agents.stream().mapToLong(SimulatedAgent::idlePasses).sum();
            long enginePassesBefore = stats.passes.get();
            List<UnitFile> files = unitFiles(units, machines);
            long t0 = System.nanoTime();
            List<Future<?>> submitted = new ArrayList<>();
            for (int u = 0; u < units; u++) {
                String name = unitName(u, machines);
                UnitFile f = files.get(u);
                submitted.add(users.submit(() -> userRegistry.createJob(name, f, TargetState.LAUNCHED)));
            }
            for (Future<?> f : submitted) f.get();
            double submitS = (System.nanoTime() - t0) / 1e9;
            log("submitted %d units in %.1f s", units, submitS);
            // polled every 50 ms: the launch time is measured to that resolution (the figure is in seconds)
            AtomicLong lastLog = new AtomicLong();
            await("all " + units + " units running").atMost(Duration.ofSeconds(600)).pollInterval(Duration.ofMillis(50))
                    .conditionEvaluationListener(c -> {
                        if (System.nanoTime() - lastLog.get() > 5e9) {
                            log("%d of %d units running after %.1f s", running(agents), units, (System.nanoTime() - t0) / 1e9);
                            lastLog.set(System.nanoTime());
                        }
                    })
                    .until(() -> running(agents) >= units);
            double launchS = (System.nanoTime() - t0) / 1e9;
            // the requests and passes counted below include publishing the last states: wait until the registry has
            // them all (read through the uncounted user client, so the wait adds nothing to the figures)
            await("every unit's state published as active").atMost(Duration.ofSeconds(60))
                    .until(() -> userRegistry.unitStates().stream().filter(st -> st.activeState().equals("active")).count() >= units);
            long requests = requests(counted) - requestsBefore;
            long passes = agentPasses(agents) - passesBefore;
            log("all %d units running after %.2f s; %d requests, %d agent passes, %d engine passes", units, launchS, requests, passes,
                    stats.passes.get() - enginePassesBefore);

            log("agents' requests by type: %s; the engine's: %s; agent passes that ran no task: %d of %d",
                    minus(requestsByOp(agentRegistries), agentOpsBefore), minus(requestsByOp(List.of(engineRegistry)), engineOpsBefore),
                    agents.stream().mapToLong(SimulatedAgent::idlePasses).sum() - idleBefore, passes);

            String suffix = "_" + machines + "_machines";
            figure("scale_launch_" + units + "_units" + suffix + "_s", fmt(launchS, 2));
            figure("scale_submit_" + units + "_units" + suffix + "_s", fmt(submitS, 2));
            figure("scale_requests_per_unit" + suffix, fmt((double) requests / units, 2));
            figure("scale_agent_passes_per_unit" + suffix, fmt((double) passes / units, 3));
            figure("scale_engine_passes" + suffix, Long.toString(stats.passes.get() - enginePassesBefore));
            if (full) {
                figure("scale_launch_units_per_s", fmt(units / launchS, 0));
                engine.close();
                engine = null;
                enginePasses(engineRegistry, units, "scale_engine_first_pass_" + units + "_ms", "scale_engine_pass_" + units + "_ms");
                EtcdRegistry fresh = open(etcd, clients);
                enginePasses(fresh, units, "scale_engine_failover_pass_" + units + "_ms", null);
            }
        } finally {
            if (engine != null) engine.close();
            for (SimulatedAgent a : agents) a.close();
            users.shutdownNow();
            for (EtcdRegistry r : clients) r.close();
            etcd.close();
        }
    }

    /** A new engine's first pass on {@code registry}, then (if {@code steadyFigure}) the median of 7 steady passes. */
    private void enginePasses(EtcdRegistry registry, int units, String firstFigure, String steadyFigure) throws Exception {
        try (LeaderLatch latch = registry.leaderLatch("f0000000000000000000000000000000", Duration.ofSeconds(10))) {
            latch.start();
            waitFor(Duration.ofSeconds(30), () -> latch.leadership().isPresent(), "the bench engine leads");
            Leadership leadership = latch.leadership().orElseThrow();
            EngineReconciler reconciler = new EngineReconciler(registry, Scheduler.leastLoaded(), EngineStats.NONE, LOSS_GRACE);
            long t = System.nanoTime();
            List<ScheduleChange> changes = reconciler.reconcile(leadership);
            double firstMs = (System.nanoTime() - t) / 1e6;
            if (!changes.isEmpty()) throw new IllegalStateException("a pass over a settled cluster changed " + changes.size() + " entries");
            figure(firstFigure, fmt(firstMs, 0));
            if (steadyFigure == null) return;
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                t = System.nanoTime();
                changes = reconciler.reconcile(leadership);
                times.add((System.nanoTime() - t) / 1e6);
                if (!changes.isEmpty()) throw new IllegalStateException("a steady pass changed " + changes.size() + " entries");
            }
            times.sort(Double::compare);
            log("steady passes at %d units: %s ms", units, times);
            figure(steadyFigure, fmt(times.get(times.size() / 2), 0));
        }
    }

    /**
     * 10% template instances with {@code Conflicts=%p@*.service} in services of 5 instances (so they fit on 10
     * machines too), 10% with MachineMetadata (a region, or a region and a disk), the rest plain.
     */
    private static List<UnitFile> unitFiles(int units, int machines) throws UnitParseException {
        List<UnitFile> out = new ArrayList<>(units);
        for (int u = 0; u < units; u++) {
            StringBuilder text = new StringBuilder("[Unit]\nDescription=bench unit ").append(u).append("\n\n[Service]\nExecStart=/bin/sleep 1000")
                    .append(u).append("\n");
            switch (u % 10) {
                case 0 -> text.append("\n[X-Fleet]\nConflicts=").append(conflictGroup(u)).append("@*.service\n");
                case 1 -> {
                    text.append("\n[X-Fleet]\nMachineMetadata=region=").append(REGIONS[(u / 10) % REGIONS.length]).append('\n');
                    if ((u / 10) % 2 == 0) text.append("MachineMetadata=disk=ssd\n");
                }
                default -> {
                }
            }
            out.add(UnitFile.parse(text.toString()));
        }
        return out;
    }

    private static String conflictGroup(int u) {
        return String.format(Locale.ROOT, "spread%04d", u / 50);
    }

    private static String unitName(int u, int machines) {
        return u % 10 == 0 ? conflictGroup(u) + "@" + u + ".service" : String.format(Locale.ROOT, "unit%05d.service", u);
    }

    private static int running(List<SimulatedAgent> agents) {
        int n = 0;
        for (SimulatedAgent a : agents) {
            for (SimulatedAgent.SystemdState s : a.units().values()) {
                if (s.active().equals("active")) n++;
            }
        }
        return n;
    }

    private static long agentPasses(List<SimulatedAgent> agents) {
        return agents.stream().mapToLong(SimulatedAgent::passes).sum();
    }

    private static long requests(List<Registry> registries) {
        return registries.stream().mapToLong(r -> r.metrics().totalCount()).sum();
    }

    /** Requests by operation type (get, range, txn, ...) of all {@code registries} together, to say where they go. */
    private static Map<String, Long> requestsByOp(List<? extends Registry> registries) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Registry r : registries) r.metrics().snapshot().forEach((op, st) -> out.merge(op, st.count(), Long::sum));
        return out;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> out = new java.util.TreeMap<>();
        after.forEach((op, n) -> {
            long d = n - before.getOrDefault(op, 0L);
            if (d != 0) out.put(op, d);
        });
        return out;
    }

    private static EtcdRegistry open(EtcdServer etcd, List<EtcdRegistry> clients) {
        EtcdRegistry r = EtcdRegistry.open(EtcdConfig.builder().endpoints(etcd.endpoint()).requestTimeout(Duration.ofSeconds(10)).build());
        clients.add(r);
        return r;
    }

    private static String machineId(int m) {
        return String.format(Locale.ROOT, "%08x", 0x10000000 + m) + "0".repeat(24);
    }

    private void figure(String name, String value) {
        figures.put(name, value);
        log("%s=%s", name, value);
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static void waitFor(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void log(String format, Object... args) {
        System.err.println("scale: " + String.format(Locale.ROOT, format, args));
    }

    /** The engine's and the agents' INFO lines (one per decision) would dominate a run's cost and output. */
    private static void quietLogging() {
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.WARN);
    }

    private static final class CountingStats implements EngineStats {
        final AtomicLong passes = new AtomicLong();

        @Override
        public void leaderStarted() {
        }

        @Override
        public void reconciled(long nanos, List<ScheduleChange> changes) {
            passes.incrementAndGet();
        }

        @Override
        public void reconcileFailed() {
        }
    }
}
