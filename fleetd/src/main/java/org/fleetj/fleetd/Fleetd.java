package org.fleetj.fleetd;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.fleetj.fleetd.config.ConfigException;
import org.fleetj.fleetd.config.ConfigLoader;
import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.fleetd.daemon.FleetDaemon;
import org.fleetj.fleetd.daemon.FleetdStartException;
import org.fleetj.fleetd.daemon.Logging;
import org.fleetj.fleetd.daemon.RegistryOpener;
import org.fleetj.fleetd.daemon.SystemdConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * fleetd's entry point: {@code fleetd [--config PATH] [--<option>=value ...]}. Configuration from
 * /etc/fleet/fleet.conf, {@code FLEET_<OPTION>} variables and flags (see {@link ConfigLoader}).
 *
 * <p>Signals: SIGTERM/SIGINT shut down cleanly (units keep running), SIGHUP reloads the configuration,
 * SIGUSR1 writes a state dump to the log. Exit status: 0 after a clean shutdown, 78 (EX_CONFIG, which
 * fleetd.service lists in RestartPreventExitStatus) for a bad configuration, 1 when fleetd cannot start.
 */
public final class Fleetd {
    /** EX_CONFIG from sysexits.h: systemd need not restart a fleetd whose configuration is wrong. */
    public static final int EXIT_CONFIG = 78;
    private static final Logger log = LoggerFactory.getLogger(Fleetd.class);

    private Fleetd() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Logging.routeJavaUtilLogging();
        List<String> argv = Arrays.asList(args);
        if (argv.contains("--version") || argv.contains("-version")) {
            out.println("fleetd version " + Version.VERSION);
            return 0;
        }
        if (argv.contains("--help") || argv.contains("-h")) {
            printUsage(out);
            return 0;
        }
        ConfigLoader loader = new ConfigLoader();
        FleetConfig config;
        MachineIdentity identity;
        try {
            config = loader.load(argv, env);
            FleetDaemon.apiConfig(config);   // listener settings are checked before anything starts
            identity = MachineIdentity.load(config.machineIdFile());
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("fleetd: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (IOException e) {
            err.println("fleetd: invalid value for machine_id_file: " + e.getMessage());
            return EXIT_CONFIG;
        }
        Logging.applyVerbosity(config.verbosity());
        loader.warnings().forEach(w -> log.warn("config: {}", w));

        FleetDaemon daemon = new FleetDaemon(config, identity, RegistryOpener.ETCD, SystemdConnector.DBUS);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "fleetd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        handle("HUP", () -> reload(daemon, argv, env));
        handle("USR1", daemon::dumpState);
        try {
            daemon.start();
        } catch (FleetdStartException e) {
            log.error("fleetd cannot start: {}", e.getMessage());
            err.println("fleetd: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            log.error("fleetd cannot start", e);
            return 1;
        }
        // Everything runs on the daemon's own threads; the main thread only waits for the shutdown hook.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void reload(FleetDaemon daemon, List<String> argv, Map<String, String> env) {
        log.info("SIGHUP: reloading the configuration");
        try {
            ConfigLoader loader = new ConfigLoader();
            FleetConfig next = loader.load(argv, env);
            loader.warnings().forEach(w -> log.warn("config: {}", w));
            daemon.reload(next);
        } catch (ConfigException e) {
            log.error("reload refused, keeping the running configuration: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("reload failed, keeping the running configuration", e);
        }
    }

    /** Installs a handler for a signal the JVM does not use itself. */
    private static void handle(String signal, Runnable action) {
        try {
            Signal.handle(new Signal(signal), s -> {
                Thread t = new Thread(action, "fleetd-sig" + signal.toLowerCase(java.util.Locale.ROOT));
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException e) {
            log.warn("cannot handle SIG{} on this platform: {}", signal, e.getMessage());
        }
    }

    private static void printUsage(PrintStream out) {
        out.println("Usage: fleetd [--config PATH] [--<option>=<value> ...]");
        out.println();
        out.println("fleetd runs on every machine of a fleet cluster: it registers the machine in etcd, runs the units");
        out.println("scheduled to it under systemd, takes part in the engine election and serves fleet's v1 API.");
        out.println();
        out.println("Configuration: " + ConfigLoader.DEFAULT_CONFIG + " (INI, name=value), overridden by FLEET_<OPTION>");
        out.println("environment variables, overridden by --<option>=<value> flags. Options:");
        for (String name : ConfigLoader.optionNames()) out.println("  " + name);
        out.println();
        out.println("Signals: TERM/INT stop fleetd (units keep running), HUP reloads the configuration, USR1 dumps state.");
    }
}
