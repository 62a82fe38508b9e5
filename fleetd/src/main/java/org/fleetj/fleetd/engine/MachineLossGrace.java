package org.fleetj.fleetd.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * How long the engine waits before it treats a vanished machine as gone and moves its units.
 *
 * <p>A machine vanishes from the registry when its presence lease expires: it crashed, or it lost etcd for
 * longer than {@code agent_ttl}. The second case is what made fleet restart units cluster-wide whenever etcd
 * flapped: after an outage every agent reconnects at about the same moment, and an engine that acts on the
 * first read would move units off machines that are just re-announcing themselves. So a missing machine keeps
 * its units for {@code grace}, counted from when this engine could first see it missing: a successful read
 * after becoming leader, or after a read failed, restarts every clock. A crashed machine is acted on
 * {@code agent_ttl + grace} after its crash.
 *
 * <p>Not thread-safe: used by the engine's single thread.
 */
final class MachineLossGrace {
    private final Duration grace;
    private final LongSupplier nanoClock;
    /** When this engine first saw each machine that has scheduled units missing from the live machines. */
    private final Map<String, Long> missingSince = new HashMap<>();
    /** Since when this engine has read the registry without interruption; null after losing sight. */
    private Long watchingSince;

    MachineLossGrace(Duration grace, LongSupplier nanoClock) {
        if (grace.isNegative()) throw new IllegalArgumentException("machine loss grace must not be negative: " + grace);
        this.grace = grace;
        this.nanoClock = nanoClock;
    }

    /**
     * Records a successful read and returns the machines whose units must stay where they are for now: machines
     * named in the schedule but not live, missing for less than the grace period.
     */
    Set<String> observe(Set<String> live, Set<String> scheduled) {
        long now = nanoClock.getAsLong();
        if (watchingSince == null) watchingSince = now;
        missingSince.keySet().removeIf(id -> live.contains(id) || !scheduled.contains(id));
        Set<String> waiting = new HashSet<>();
        for (String id : scheduled) {
            if (live.contains(id)) continue;
            long since = Math.max(missingSince.computeIfAbsent(id, k -> now), watchingSince);
            if (now - since < grace.toNanos()) waiting.add(id);
        }
        return waiting;
    }

    /** The engine could not read the registry, or just became leader: what it saw before proves nothing now. */
    void lostSight() {
        watchingSince = null;
    }

    /** How long until the next waiting machine's grace ends (when a pass must run without any event), if any. */
    Optional<Duration> nextExpiry() {
        if (watchingSince == null || missingSince.isEmpty()) return Optional.empty();
        long now = nanoClock.getAsLong();
        long soonest = Long.MAX_VALUE;
        for (long since : missingSince.values()) {
            long end = Math.max(since, watchingSince) + grace.toNanos();
            if (end > now) soonest = Math.min(soonest, end - now);
        }
        return soonest == Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofNanos(soonest));
    }

    Duration grace() {
        return grace;
    }
}
