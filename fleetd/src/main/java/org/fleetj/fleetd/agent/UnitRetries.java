package org.fleetj.fleetd.agent;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-unit backoff for what systemd refuses (a unit without {@code [Service]}, a bad {@code .mount}, a unit it
 * cannot find): the same task for the same unit file is tried again after 1 s, 2 s, 4 s… up to every
 * {@link #MAX}, and the reason is logged once (again only when it changes), instead of every pass — fleet's and
 * our earlier agent retried such a unit four times a second, with hundreds of warnings a minute. A different task
 * or a new unit file is tried at once. Confined to the agent's thread.
 */
final class UnitRetries {
    private static final Logger log = LoggerFactory.getLogger(UnitRetries.class);
    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(60);

    /** What failed: the task and the unit file it was for; another one is a fresh start. */
    private record Failure(String signature, int attempts, long nextAttemptNanos, String reason) {
    }

    private final Map<String, Failure> failures = new HashMap<>();

    private static String signature(AgentTask t, String hash) {
        return t.kind() + " " + hash;
    }

    /** Whether {@code t} (for the unit file {@code hash}) may run now, i.e. is not waiting out a backoff. */
    boolean mayRun(AgentTask t, String hash, long nowNanos) {
        Failure f = failures.get(t.unit());
        return f == null || !f.signature().equals(signature(t, hash)) || nowNanos >= f.nextAttemptNanos();
    }

    /** Records a failure; logs why the first time (and when the reason changes). Returns the wait before the next try. */
    Duration failed(AgentTask t, String hash, String reason, long nowNanos) {
        Failure before = failures.get(t.unit());
        int attempts = before != null && before.signature().equals(signature(t, hash)) ? before.attempts() + 1 : 1;
        Duration wait = delay(attempts);
        failures.put(t.unit(), new Failure(signature(t, hash), attempts, nowNanos + wait.toNanos(), reason));
        if (attempts == 1 || !reason.equals(before.reason())) {
            log.warn("agent: {} failed: {}; trying again in {} s, then less and less often (at most every {} s) until it "
                    + "works or its unit file changes", t, reason, wait.toSeconds(), MAX.toSeconds());
        } else {
            log.debug("agent: {} failed again (attempt {}, same reason); next try in {} s", t, attempts, wait.toSeconds());
        }
        return wait;
    }

    /** The task worked: a unit that had failed says so once. */
    void succeeded(AgentTask t) {
        Failure f = failures.remove(t.unit());
        if (f != null) {
            log.info("agent: {} worked after {} failed attempt(s)", t, f.attempts());
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

    static Duration delay(int attempts) {
        long ms = MIN.toMillis() << Math.min(attempts - 1, 16);
        return Duration.ofMillis(Math.min(ms, MAX.toMillis()));
    }
}
