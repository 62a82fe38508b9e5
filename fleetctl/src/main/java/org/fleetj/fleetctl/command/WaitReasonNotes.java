package org.fleetj.fleetctl.command;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClientException;

/**
 * Says why units wait, from the reasons the engine publishes (beyond fleet: fleet's start hung silently). Printed
 * to stderr, so fleet's stdout stays as it was; a server without the reasons (fleet itself) just prints nothing.
 */
final class WaitReasonNotes {
    /** How long a blocking command waits before saying why (a normal start takes well under this). */
    static final long FIRST_NOTE_NANOS = 1_000_000_000L;

    private final Session session;
    private final Set<String> noted = new HashSet<>();
    /** When {@link #noteOnce} last asked the server; it asks at most once per {@link #FIRST_NOTE_NANOS}. */
    private long lastAsked = Long.MIN_VALUE;

    WaitReasonNotes(Session session) {
        this.session = session;
    }

    /** The published reasons of these units (empty when none, or when the server publishes none). */
    Map<String, String> reasons(Collection<String> units) {
        try {
            Map<String, String> all = session.client().placement().waiting();
            Map<String, String> out = new java.util.TreeMap<>();
            for (String u : units) {
                String r = all.get(u);
                if (r != null) out.put(u, r);
            }
            return out;
        } catch (FleetClientException e) {
            session.debug("no wait reasons: " + e.getMessage());
            return Map.of();
        }
    }

    /** Prints, once per unit, why those of {@code units} that wait do. */
    void noteOnce(Collection<String> units) {
        Set<String> fresh = new HashSet<>(units);
        fresh.removeAll(noted);
        if (fresh.isEmpty()) return;
        long now = System.nanoTime();
        if (lastAsked != Long.MIN_VALUE && now - lastAsked < FIRST_NOTE_NANOS) return;
        lastAsked = now;
        reasons(fresh).forEach((u, r) -> {
            session.err().println("Unit " + u + " waits: " + r);
            noted.add(u);
        });
    }

    /** Prints why each of {@code units} waits (when giving up). */
    void noteAll(Collection<String> units) {
        reasons(units).forEach((u, r) -> session.err().println("Unit " + u + " waits: " + r));
    }
}
