package org.fleetj.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Options for {@link LocalCluster#up(int, LocalClusterOptions)}; each maps to one {@code scripts/local-cluster up}
 * flag. Immutable: every method returns a changed copy.
 */
public final class LocalClusterOptions {
    private final boolean fleetd;
    private final Optional<String> fleetdCommand;
    private final Map<String, String> metadata;
    private final List<String> conf;
    private final Optional<String> agentTtl;
    private final Optional<String> keyPrefix;
    private final Optional<String> subnet;
    private final Duration bootTimeout;
    private final int etcdMembers;
    private final boolean plainApi;
    private final boolean plainEtcd;

    private LocalClusterOptions(boolean fleetd, Optional<String> fleetdCommand, Map<String, String> metadata, List<String> conf,
            Optional<String> agentTtl, Optional<String> keyPrefix, Optional<String> subnet, Duration bootTimeout, int etcdMembers,
            boolean plainApi, boolean plainEtcd) {
        this.etcdMembers = etcdMembers;
        this.plainApi = plainApi;
        this.plainEtcd = plainEtcd;
        this.fleetd = fleetd;
        this.fleetdCommand = fleetdCommand;
        this.metadata = Map.copyOf(metadata);
        this.conf = List.copyOf(conf);
        this.agentTtl = agentTtl;
        this.keyPrefix = keyPrefix;
        this.subnet = subnet;
        this.bootTimeout = bootTimeout;
    }

    /** fleetd from the repo's build (examples/fleetd.service + bin/fleetd), the script's default. */
    public static LocalClusterOptions defaults() {
        return new LocalClusterOptions(true, Optional.empty(), Map.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(120), 1, false, false);
    }

    /** Machines boot without fleetd ({@code --no-fleetd}). */
    public LocalClusterOptions withoutFleetd() {
        return new LocalClusterOptions(false, Optional.empty(), metadata, conf, agentTtl, keyPrefix, subnet, bootTimeout, etcdMembers, plainApi, plainEtcd);
    }

    /** Run this command line as fleetd.service's ExecStart ({@code --fleetd}); up waits until every machine registered. */
    public LocalClusterOptions fleetdCommand(String commandLine) {
        return new LocalClusterOptions(true, Optional.of(commandLine), metadata, conf, agentTtl, keyPrefix, subnet, bootTimeout, etcdMembers, plainApi, plainEtcd);
    }

    /** fleet.conf {@code metadata=} for one machine, e.g. {@code metadata("m2", "disk=ssd,region=eu")}; default {@code name=<machine>}. */
    public LocalClusterOptions metadata(String machine, String keyValues) {
        requireMachineName(machine);
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(machine, keyValues);
        return new LocalClusterOptions(fleetd, fleetdCommand, m, conf, agentTtl, keyPrefix, subnet, bootTimeout, etcdMembers, plainApi, plainEtcd);
    }

    /** An extra fleet.conf line for every machine, e.g. {@code conf("engine_reconcile_interval", "1")}. */
    public LocalClusterOptions conf(String option, String value) {
        return addConf(option + "=" + value);
    }

    /** An extra fleet.conf line for one machine, e.g. {@code conf("m3", "disable_engine", "true")}. */
    public LocalClusterOptions conf(String machine, String option, String value) {
        requireMachineName(machine);
        return addConf(machine + ":" + option + "=" + value);
    }

    public LocalClusterOptions agentTtl(String duration) {
        return new LocalClusterOptions(fleetd, fleetdCommand, metadata, conf, Optional.of(duration), keyPrefix, subnet, bootTimeout, etcdMembers, plainApi, plainEtcd);
    }

    public LocalClusterOptions keyPrefix(String prefix) {
        return new LocalClusterOptions(fleetd, fleetdCommand, metadata, conf, agentTtl, Optional.of(prefix), subnet, bootTimeout, etcdMembers, plainApi, plainEtcd);
    }

    /** A /24 as {@code 10.X.Y}; by default the script picks a free one. */
    public LocalClusterOptions subnet(String tenXY) {
        return new LocalClusterOptions(fleetd, fleetdCommand, metadata, conf, agentTtl, keyPrefix, Optional.of(tenXY), bootTimeout, etcdMembers, plainApi, plainEtcd);
    }

    public LocalClusterOptions bootTimeout(Duration timeout) {
        return new LocalClusterOptions(fleetd, fleetdCommand, metadata, conf, agentTtl, keyPrefix, subnet, timeout, etcdMembers, plainApi, plainEtcd);
    }

    /** An etcd cluster of this many members ({@code --etcd-members}); every machine's fleet.conf lists them all. */
    public LocalClusterOptions etcdMembers(int members) {
        if (members < 1 || members > 9) {
            throw new IllegalArgumentException("etcd members must be 1..9, got " + members);
        }
        return new LocalClusterOptions(fleetd, fleetdCommand, metadata, conf, agentTtl, keyPrefix, subnet, bootTimeout, members, plainApi, plainEtcd);
    }

    /**
     * fleetd's API on fleet's plain HTTP without access roles ({@code --plain-api}), for tests that speak to it as
     * fleet v1.0's own clients did; anyone who reaches the bridge can then drive the cluster. Default: TLS with roles.
     */
    public LocalClusterOptions plainApi() {
        return new LocalClusterOptions(fleetd, fleetdCommand, metadata, conf, agentTtl, keyPrefix, subnet, bootTimeout, etcdMembers, true, plainEtcd);
    }

    /**
     * etcd on plain HTTP without client certificates ({@code --plain-etcd}), for a test or benchmark that must talk
     * to it as fleet v1.0's tools did; anyone who reaches the bridge can then write the registry. Default: https with
     * client certificates of the cluster's etcd CA.
     */
    public LocalClusterOptions plainEtcd() {
        return new LocalClusterOptions(fleetd, fleetdCommand, metadata, conf, agentTtl, keyPrefix, subnet, bootTimeout, etcdMembers, plainApi, true);
    }

    Duration bootTimeout() {
        return bootTimeout;
    }

    /** The flags for {@code scripts/local-cluster up N}. */
    List<String> toArgs() {
        List<String> a = new ArrayList<>();
        if (!fleetd) {
            a.add("--no-fleetd");
        }
        fleetdCommand.ifPresent(c -> a.addAll(List.of("--fleetd", c)));
        metadata.forEach((m, kv) -> a.addAll(List.of("--metadata", m + "=" + kv)));
        conf.forEach(c -> a.addAll(List.of("--conf", c)));
        agentTtl.ifPresent(t -> a.addAll(List.of("--agent-ttl", t)));
        keyPrefix.ifPresent(p -> a.addAll(List.of("--key-prefix", p)));
        subnet.ifPresent(s -> a.addAll(List.of("--subnet", s)));
        if (etcdMembers != 1) {
            a.addAll(List.of("--etcd-members", Integer.toString(etcdMembers)));
        }
        if (plainApi) {
            a.add("--plain-api");
        }
        if (plainEtcd) {
            a.add("--plain-etcd");
        }
        a.addAll(List.of("--timeout", Long.toString(bootTimeout.toSeconds())));
        return a;
    }

    private LocalClusterOptions addConf(String line) {
        List<String> c = new ArrayList<>(conf);
        c.add(line);
        return new LocalClusterOptions(fleetd, fleetdCommand, metadata, c, agentTtl, keyPrefix, subnet, bootTimeout, etcdMembers, plainApi, plainEtcd);
    }

    private static void requireMachineName(String machine) {
        if (!machine.matches("m[0-9]{1,2}")) {
            throw new IllegalArgumentException("machine names are m1..m99, got " + machine);
        }
    }
}
