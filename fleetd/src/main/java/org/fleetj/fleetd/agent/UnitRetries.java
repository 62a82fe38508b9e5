package org.fleetj.fleetd.agent;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import org.fleetj.registry.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-unit backoff for what systemd refuses (a unit without {@code [Service]}, a bad {@code .mount}, a unit it
 * cannot find): the same task for the same unit file is tried again after a delay drawn by the project's one
 * {@link Backoff} rule (full jitter under a ceiling of 1 s, 2 s, 4 s… up to {@link #MAX}), and the reason is
 * logged once (again only when it changes), instead of every pass — fleet's and our earlier agent retried such a
 * unit four times a second, with hundreds of warnings a minute. The jitter spreads the retries of many units
 * refused at once (a bad template with a hundred instances) instead of sending them to systemd together. A
 * different task or a new unit file is tried at once. Confined to the agent's thread.
 */
final class UnitRetries {
    private static final Logger log = LoggerFactory.getLogger(UnitRetries.class);
    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(60);

    /** What failed: the task and the unit file it was for (another one is a fresh start), and its backoff. */
    private record Failure(String signature, Backoff backoff, long nextAttemptNanos, String reason) {
    }

    private final Map<String, Failure> failures = new HashMap<>();
    private final LongUnaryOperator uniformUpTo;

    /** Delays drawn from a thread-local random source. */
    UnitRetries() {
        this(null);
    }

    /**
     * @param uniformUpTo the random source of {@link Backoff} (a uniform value in {@code [0, bound]}); tests pass
     *                    {@code bound -> bound} to get the ceilings, or a seeded source; null for the default
     */
    UnitRetries(LongUnaryOperator uniformUpTo) {
        this.uniformUpTo = uniformUpTo;
    }

    private static String signature(AgentTask t, String hash) {
        return t.kind() + " " + hash;
    }

    /** Whether {@code t} (for the unit file {@code hash}) may run now, i.e. is not waiting out a backoff. */
    boolean mayRun(AgentTask t, String hash, long nowNanos) {
        Failure f = failures.get(t.unit());
        return f == null || !f.signature().equals(signature(t, hash)) || nowNanos - f.nextAttemptNanos() >= 0;
    }

    /** Records a failure; logs why the first time (and when the reason changes). Returns the wait before the next try. */
    Duration failed(AgentTask t, String hash, String reason, long nowNanos) {
        Failure before = failures.get(t.unit());
        boolean again = before != null && before.signature().equals(signature(t, hash));
        Backoff backoff = again ? before.backoff() : newBackoff();
        Duration ceiling = backoff.nextCeiling();
        Duration wait = backoff.next();
        failures.put(t.unit(), new Failure(signature(t, hash), backoff, nowNanos + wait.toNanos(), reason));
        if (!again || !reason.equals(before.reason())) {
            log.warn("agent: {} failed: {}; trying again within {} s, then less and less often (at most {} s apart) until it "
                    + "works or its unit file changes", t, reason, ceiling.toSeconds(), MAX.toSeconds());
        } else {
            log.debug("agent: {} failed again (attempt {}, same reason); next try in {} ms", t, backoff.failures(), wait.toMillis());
        }
        return wait;
    }

    private Backoff newBackoff() {
        return uniformUpTo == null ? new Backoff(MIN, MAX) : new Backoff(MIN, MAX, uniformUpTo);
    }

    /** The task worked: a unit that had failed says so once. */
    void succeeded(AgentTask t) {
        Failure f = failures.remove(t.unit());
        if (f != null) {
            log.info("agent: {} worked after {} failed attempt(s)", t, f.backoff().failures());
        }
    }

    /** Forgets units no longer on or for this machine. */
    void retainOnly(Set<String> units) {
        failures.keySet().retainAll(units);
    }

    /** When the earliest waiting unit may be tried again. */
    Optional<Long> nextAttemptNanos() {
        return failures.values().stream().map(Failure::nextAttemptNanos).min(Long::compare);
    }
}
