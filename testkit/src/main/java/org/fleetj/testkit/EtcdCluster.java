package org.fleetj.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A multi-member etcd cluster (e.g. 3) on 127.0.0.1 for chaos tests: stop, crash or pause single members and
 * watch quorum hold or break. Members use etcd's default heartbeat/election timing, so leadership behaves like
 * a real deployment on a loaded host.
 */
public final class EtcdCluster implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private final List<EtcdServer> members;

    private EtcdCluster(List<EtcdServer> members) {
        this.members = List.copyOf(members);
    }

    /** Starts {@code size} members together and returns once every one reports healthy (quorum reached). */
    public static EtcdCluster start(int size) {
        if (size < 1 || size > 9) {
            throw new IllegalArgumentException("etcd cluster size must be 1..9, got " + size);
        }
        List<Integer> ports = FreePorts.allocate(2 * size);
        String prefix = "t" + ProcessHandle.current().pid() + "-" + ports.get(0) + "-";
        String initialCluster = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> prefix + (i + 1) + "=http://127.0.0.1:" + ports.get(2 * i + 1))
                .collect(Collectors.joining(","));
        List<EtcdServer> members = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                members.add(new EtcdServer(prefix + (i + 1), ports.get(2 * i), ports.get(2 * i + 1), List.of(), initialCluster, List.of()));
            }
            // all members must run before any can be healthy: health needs a leader, a leader needs quorum
            members.forEach(EtcdServer::launch);
            for (EtcdServer m : members) {
                m.awaitHealthy(STARTUP_TIMEOUT);
            }
            return new EtcdCluster(members);
        } catch (RuntimeException e) {
            members.forEach(EtcdServer::close);
            throw e;
        }
    }

    public int size() {
        return members.size();
    }

    /** Member {@code i}, counting from 0. */
    public EtcdServer member(int i) {
        return members.get(i);
    }

    public List<EtcdServer> members() {
        return members;
    }

    /** Comma-separated client URLs of all members (etcd_servers / jetcd endpoints). */
    public String endpoints() {
        return members.stream().map(EtcdServer::endpoint).collect(Collectors.joining(","));
    }

    public List<String> endpointList() {
        return members.stream().map(EtcdServer::endpoint).toList();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (EtcdServer m : members) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
