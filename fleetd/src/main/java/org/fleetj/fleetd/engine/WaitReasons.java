package org.fleetj.fleetd.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fleetj.registry.Registry;
import org.fleetj.scheduler.Unplaced;

/**
 * Publishes why units wait (the scheduler's {@link Unplaced} reasons) to the registry, for {@code fleetctl status},
 * {@code list-unit-files --fields reason} and the API. Writes only what changed since the last publication; a new
 * leader first reads what its predecessor left, so stale reasons of units placed meanwhile are removed.
 */
final class WaitReasons {

    private final Registry registry;
    /** What the registry holds, as far as this engine knows; null until read after becoming leader. */
    private Map<String, String> published;
    private Map<String, String> wanted = Map.of();

    WaitReasons(Registry registry) {
        this.registry = registry;
    }

    void leaderStarted() {
        published = null;
    }

    /** Records the reasons of the pass just planned. */
    void observe(List<Unplaced> unplaced) {
        Map<String, String> now = new HashMap<>(unplaced.size() * 2);
        for (Unplaced u : unplaced) {
            now.put(u.unit(), u.reason());
        }
        wanted = now;
    }

    /** Writes the difference between what is published and the last observed reasons. */
    void publish() {
        if (published == null) {
            published = new HashMap<>(registry.waitReasons());
        }
        Map<String, String> changes = new HashMap<>();
        wanted.forEach((unit, reason) -> {
            if (!reason.equals(published.get(unit))) {
                changes.put(unit, reason);
            }
        });
        for (String unit : published.keySet()) {
            if (!wanted.containsKey(unit)) {
                changes.put(unit, null);
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        registry.publishWaitReasons(changes);
        published = new HashMap<>(wanted);
    }
}
