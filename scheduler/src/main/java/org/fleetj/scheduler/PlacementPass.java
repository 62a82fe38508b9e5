package org.fleetj.scheduler;

/**
 * One scheduling pass over a snapshot. Single use, not thread-safe.
 *
 * <p>Phases: (1) {@link KeepPhase}: keep every unit that may stay where it is, unscheduling the rest (machine
 * gone, inactive, no longer eligible, MachineOf broken, conflicting with a neighbour); (2) {@link PlacePhase}:
 * place every unit that wants a machine and has none, MachineOf peers and replacing units first, each by
 * {@link UnitPlacer} onto the first machine that passes the filters ({@link Exclusions}) in least-loaded order
 * ({@link LoadOrders}, {@link Ranking}); (3) {@link DrainPhase}: move a few units off draining machines;
 * (4) {@link PlanBuilder}: turn the difference between snapshot and result into tasks.
 * All of them work on one {@link WorkingPlacement}. Everything iterates in name/id order, so the same snapshot
 * always gives the same plan.
 */
final class PlacementPass {

    /**
     * How many distinct MachineMetadata filters get their own load order of passing machines. Each indexed
     * filter adds a tree update to every load change of the machines it accepts, so the number is bounded;
     * units with further filters scan the whole load order instead (same result, more time).
     */
    static final int MAX_INDEXED_FILTERS = 32;
    /**
     * How many distinct Conflicts/Replaces globs {@link GlobPresence} indexes: each costs a match per unit
     * whose name starts with the glob's literal prefix, and an array update per placement of such a unit.
     */
    static final int MAX_INDEXED_GLOBS = 64;

    private final WorkingPlacement placement;
    private final KeepPhase keep;
    private final PlacePhase place;
    private final DrainPhase drain;

    PlacementPass(ClusterSnapshot snapshot) {
        this(snapshot, SchedulerSettings.DEFAULT);
    }

    PlacementPass(ClusterSnapshot snapshot, SchedulerSettings settings) {
        this(snapshot, settings, MAX_INDEXED_FILTERS, MAX_INDEXED_GLOBS);
    }

    PlacementPass(ClusterSnapshot snapshot, int maxIndexedFilters, int maxIndexedGlobs) {
        this(snapshot, SchedulerSettings.DEFAULT, maxIndexedFilters, maxIndexedGlobs);
    }

    /**
     * A pass that indexes at most {@code maxIndexedFilters} metadata filters and {@code maxIndexedGlobs}
     * globs. The indexes only save time: tests check that any bounds, 0 included, give the same plan.
     */
    PlacementPass(ClusterSnapshot snapshot, SchedulerSettings settings, int maxIndexedFilters, int maxIndexedGlobs) {
        this.placement = new WorkingPlacement(snapshot, maxIndexedGlobs);
        Exclusions exclusions = new Exclusions(placement);
        LoadOrders loadOrders = new LoadOrders(placement.slots, maxIndexedFilters, settings.ranking());
        UnitPlacer placer = new UnitPlacer(placement, exclusions, loadOrders, settings.ranking());
        this.keep = new KeepPhase(placement, exclusions);
        this.place = new PlacePhase(placement, exclusions, placer);
        this.drain = new DrainPhase(placement, placer, settings.drainMovesPerPass());
    }

    Plan run() {
        keep.run();
        place.run();
        drain.run();
        return PlanBuilder.build(placement.units);
    }
}
