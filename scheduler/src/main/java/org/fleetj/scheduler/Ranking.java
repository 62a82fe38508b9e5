package org.fleetj.scheduler;

import java.util.Comparator;
import java.util.Locale;

/**
 * The order in which machines that pass every filter are offered a unit (fleet.conf {@code placement_ranking}).
 * Load is the dominant share of the machine's capacity reserved by requests (CPU or memory, whichever is
 * fuller), then the unit count; when nothing requests resources every share is zero and {@link #SPREAD} is
 * fleet's least-loaded order exactly.
 */
public enum Ranking {
    /** Least loaded first (fleet's behaviour, the default): units spread over the machines. */
    SPREAD((a, b) -> a.share() != b.share() ? Long.compare(a.share(), b.share())
            : a.load() != b.load() ? Integer.compare(a.load(), b.load()) : Integer.compare(a.rank, b.rank)),
    /** Most loaded first: units fill machines one after the other, leaving others empty for large units. */
    BINPACK((a, b) -> a.share() != b.share() ? Long.compare(b.share(), a.share())
            : a.load() != b.load() ? Integer.compare(b.load(), a.load()) : Integer.compare(a.rank, b.rank));

    final Comparator<MachineSlot> order;

    Ranking(Comparator<MachineSlot> order) {
        this.order = order;
    }

    /** The ranking named {@code text} ({@code spread} or {@code binpack}, any case). */
    public static Ranking parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace("-", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a ranking; use spread or binpack");
        }
    }

    /** The fleet.conf spelling. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
