package org.fleetj.fleetd.systemd;

import java.nio.file.Path;
import java.time.Duration;
import org.fleetj.testkit.CommandResult;
import org.fleetj.testkit.LocalCluster;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;

/**
 * One real machine for the systemd integration tests: machine m1 of a one-machine {@link LocalCluster} without
 * fleetd (Debian's systemd booted by systemd-nspawn on a disk of its own, docs/local-cluster.md), which the tests
 * drive from the host over its system bus, as fleetd does with {@code withBus}/{@code withHostRoot}. The local
 * cluster is the one machine runtime: this class only adapts it to what these tests ask. Needs root.
 */
public final class NamespaceMachine implements AutoCloseable {
    private static final String MACHINE = "m1";

    private final LocalCluster cluster;
    private final Machine machine;

    private NamespaceMachine(LocalCluster cluster, Machine machine) {
        this.cluster = cluster;
        this.machine = machine;
    }

    /** Boots a machine and waits until its systemd runs (which means it answers on its system bus). */
    public static NamespaceMachine boot(Duration timeout) {
        LocalCluster cluster = LocalCluster.create();
        try {
            cluster.up(1, LocalClusterOptions.defaults().withoutFleetd().bootTimeout(timeout));
            return new NamespaceMachine(cluster, cluster.machine(MACHINE));
        } catch (RuntimeException e) {
            cluster.close(); // whatever got as far as it did is torn down again
            throw e;
        }
    }

    /**
     * As {@link #boot(Duration)}; {@code stateRoot} is not used any more (the local cluster keeps the machine's
     * state), the parameter stays for the callers written before.
     */
    public static NamespaceMachine boot(Path stateRoot, Duration timeout) {
        return boot(timeout);
    }

    /** The machine's hostname. */
    public String name() {
        return machine.name();
    }

    /** Host PID of the machine's systemd. */
    public long pid() {
        return machine.hostPid();
    }

    /** Where the machine's "/" is seen from the host. */
    public Path root() {
        return Path.of("/proc", String.valueOf(pid()), "root");
    }

    /** The machine's system bus as reached from the host. */
    public String busAddress() {
        return "unix:path=" + root().resolve("run/dbus/system_bus_socket");
    }

    public String machineId() {
        return machine.machineId();
    }

    /**
     * Runs a shell script inside the machine; returns its stdout and stderr (in that order), fails on a non-zero exit.
     *
     * @throws IllegalStateException naming the script, its exit status and output when it failed
     */
    public String sh(String script) {
        CommandResult r = cluster.sh(MACHINE, "sh", "-c", script);
        if (!r.succeeded()) {
            throw new IllegalStateException("exit " + r.exitCode() + " from '" + script + "' in " + name() + ": " + output(r));
        }
        return output(r);
    }

    /** As {@link #sh} but returns the output whatever the exit status (for systemctl is-active etc.). */
    public String shAnyExit(String script) {
        return output(cluster.sh(MACHINE, "sh", "-c", script));
    }

    private static String output(CommandResult r) {
        return (r.stdout() + r.stderr()).trim();
    }

    /** Powers the machine off and removes everything of it (the whole one-machine cluster). */
    @Override
    public void close() {
        cluster.close();
    }
}
