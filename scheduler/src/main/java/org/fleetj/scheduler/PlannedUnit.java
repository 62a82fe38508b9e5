package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.unit.Resources;
import org.fleetj.unit.UnitGlob;
import org.fleetj.unit.XFleet;

/** A unit's working state during one pass (mutable, confined to one {@link PlacementPass}). */
final class PlannedUnit {

    final UnitSpec spec;
    final UnitRules rules;
    final String name;
    /** Position in name order: the tie-breaker wherever an order is needed. */
    final int order;
    /** {@link UnitSpec#wantsMachine()}, asked for every unit several times a pass: answered once here. */
    final boolean wantsMachine;

    /** Where the unit is in the working placement, or null. */
    MachineSlot current;
    /** Why it lost its snapshot machine, if it did. */
    String evictionReason;
    /** Why it was put where it is, if it was placed in this pass. */
    String placementReason;
    /** Sequence number of its last placement decision. */
    int decision;
    /** Why it could not be placed, if it wants a machine and has none. */
    String unplacedReason;
    /** Why it stays on a draining machine, if it does. */
    String drainBlockedReason;

    /** What it reserves on its machine (RequestCPU/RequestMemory). */
    final Resources request;
    /** Its template ({@code web@.service} for {@code web@1.service}), or null when it is not an instance. */
    final String template;
    /** The per-machine and per-value counts of its template's instances, when some rule needs them; else null. */
    TemplateTally tally;

    /** The {@link GlobPresence} counts of the indexed globs this unit's name matches; null until one does. */
    private List<int[]> matchingGlobCounts;

    // Placement ordering (MachineOf peers and replacing units go first).
    final List<PlannedUnit> successors = new ArrayList<>(0);
    int pendingPredecessors;
    boolean ordered;

    /** @param compiledGlobs the pass's glob cache, see {@link UnitRules#UnitRules(String, XFleet, Map)} */
    PlannedUnit(UnitSpec spec, int order, Map<String, Optional<UnitGlob>> compiledGlobs) {
        this.spec = spec;
        this.rules = new UnitRules(spec.name(), spec.xfleet(), compiledGlobs);
        this.name = spec.name();
        this.order = order;
        this.wantsMachine = spec.wantsMachine();
        this.request = spec.xfleet().placement().resources();
        this.template = templateOf(spec.name());
    }

    /**
     * The metadata key its template's instances spread by; empty without SpreadBy, and for a unit that is no
     * template instance (no tally, nothing to spread among; the parser refuses SpreadBy there).
     */
    java.util.Optional<String> spreadBy() {
        return tally == null ? java.util.Optional.empty() : spec.xfleet().placement().spreadBy();
    }

    /** {@code web@.service} for {@code web@1.service}; null for a name that is not a template instance. */
    static String templateOf(String name) {
        int at = name.indexOf('@');
        int dot = name.lastIndexOf('.');
        if (at <= 0 || dot <= at + 1) {
            return null;
        }
        return name.substring(0, at + 1) + name.substring(dot);
    }

    List<int[]> matchingGlobCounts() {
        if (matchingGlobCounts == null) {
            matchingGlobCounts = new ArrayList<>(1);
        }
        return matchingGlobCounts;
    }

    boolean hasMatchingGlobCounts() {
        return matchingGlobCounts != null;
    }
}
