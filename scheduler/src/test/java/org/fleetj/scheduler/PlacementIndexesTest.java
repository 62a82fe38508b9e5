package org.fleetj.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.fleetj.unit.MetadataRequirement;
import org.fleetj.unit.PlacementRequests;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitGlob;
import org.fleetj.unit.XFleet;
import org.junit.jupiter.api.Test;

/**
 * The pass's indexes, per-metadata-filter load orders ({@link PlacementPass#MAX_INDEXED_FILTERS}) and glob
 * presence counts ({@link GlobPresence}), are a speed-up only: a pass that indexes everything, some, or
 * nothing must give exactly the same plan. Checked over larger random clusters than
 * {@link SchedulerPropertiesTest}'s (20-60 machines, 100-400 units, many distinct filters and globs, loads
 * that rise and fall through Replaces, MachineOf, stale targets, machines gone), twice per cluster: planning
 * from the snapshot, and planning again after applying that plan; each result must also keep every
 * Conflicts/Replaces pair apart. The same again with this project's placement rules on (capacities, requests,
 * cordoned and draining machines, MaxPerMachine and SpreadBy, both rankings): SpreadBy's per-value load orders are
 * indexed filters too, so scanning every machine must pick the same ones.
 */
class PlacementIndexesTest {

    private static final int CLUSTERS = Integer.getInteger("scheduler.indexClusters", 300);
    private static final String[] KEYS = {"role", "region", "disk", "zone"};

    @Test
    void indexingNeverChangesThePlan() {
        checkRandomClusters(0x10AD0DE5L, false);
    }

    @Test
    void indexingNeverChangesThePlanUnderPlacementRules() {
        checkRandomClusters(0x5EA1E5L, true);
    }

    private static void checkRandomClusters(long baseSeed, boolean placementRules) {
        int clustersWithUnindexedFilters = 0;
        int clustersWithUnindexedGlobs = 0;
        int clustersWithSomeUnitUnplaced = 0;
        for (int i = 0; i < CLUSTERS; i++) {
            long seed = baseSeed + i;
            Random rnd = new Random(seed);
            ClusterSnapshot snapshot = randomCluster(rnd, placementRules);
            SchedulerSettings settings = placementRules && rnd.nextBoolean()
                    ? new SchedulerSettings(Ranking.BINPACK, 1 + rnd.nextInt(4)) : SchedulerSettings.DEFAULT;
            if (distinctFilters(snapshot) > PlacementPass.MAX_INDEXED_FILTERS) {
                clustersWithUnindexedFilters++;
            }
            if (distinctGlobs(snapshot) > 6) {
                clustersWithUnindexedGlobs++;
            }
            Plan plan = planEveryWay(snapshot, settings, seed);
            clustersWithSomeUnitUnplaced += plan.unplaced().isEmpty() ? 0 : 1;
            ClusterSnapshot after = Fixtures.apply(snapshot, plan);
            assertExclusionsHold(after, seed);
            assertExclusionsHold(Fixtures.apply(after, planEveryWay(after, settings, seed)), seed);
        }
        // Rules that never refuse a machine would prove nothing about the scans past refused ones.
        assertTrue(clustersWithSomeUnitUnplaced > CLUSTERS / 10, "too few random clusters leave a unit unplaced: " + clustersWithSomeUnitUnplaced);
        // The bounds must themselves be exercised, not only 0 and "all".
        assertTrue(clustersWithUnindexedFilters > CLUSTERS / 10,
                "too few random clusters exceed the indexed-filter bound: " + clustersWithUnindexedFilters);
        assertTrue(clustersWithUnindexedGlobs > CLUSTERS / 2, "too few random clusters with many globs: " + clustersWithUnindexedGlobs);
    }

    private static Plan planEveryWay(ClusterSnapshot snapshot, SchedulerSettings settings, long seed) {
        Plan scanned = new PlacementPass(snapshot, settings, 0, 0).run();
        assertSamePlan(scanned, new PlacementPass(snapshot, settings, Integer.MAX_VALUE, Integer.MAX_VALUE).run(),
                "everything indexed, seed " + seed);
        assertSamePlan(scanned, new PlacementPass(snapshot, settings, 3, 6).run(), "3 filters and 6 globs indexed, seed " + seed);
        assertSamePlan(scanned, Scheduler.of(settings).plan(snapshot), "default bounds, seed " + seed);
        return scanned;
    }

    /** No two units on one machine where one's Conflicts or Replaces matches the other (checked with raw globs). */
    private static void assertExclusionsHold(ClusterSnapshot s, long seed) {
        Map<String, List<UnitSpec>> byMachine = new HashMap<>();
        for (UnitSpec u : s.units()) {
            u.targetMachine().ifPresent(m -> byMachine.computeIfAbsent(m, k -> new ArrayList<>()).add(u));
        }
        for (List<UnitSpec> together : byMachine.values()) {
            for (UnitSpec a : together) {
                for (UnitSpec b : together) {
                    if (a != b) {
                        for (String g : concat(a.xfleet().conflicts(), a.xfleet().replaces())) {
                            assertTrue(!UnitGlob.matches(g, b.name()),
                                    () -> a.name() + " (" + g + ") shares a machine with " + b.name() + ", seed " + seed);
                        }
                    }
                }
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static int distinctGlobs(ClusterSnapshot snapshot) {
        Set<String> globs = new HashSet<>();
        for (UnitSpec u : snapshot.units()) {
            for (String g : concat(u.xfleet().conflicts(), u.xfleet().replaces())) {
                if (g.contains("*")) {
                    globs.add(g);
                }
            }
        }
        return globs.size();
    }

    /** Plans can hold hundreds of tasks: name the first difference rather than print both whole. */
    private static void assertSamePlan(Plan expected, Plan actual, String context) {
        List<String> want = lines(expected);
        List<String> got = lines(actual);
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i) : "(nothing)";
            String g = i < got.size() ? got.get(i) : "(nothing)";
            assertEquals(w, g, context + ": line " + i + " of the plan differs from the unindexed pass");
        }
    }

    private static List<String> lines(Plan plan) {
        List<String> out = new ArrayList<>();
        plan.tasks().forEach(t -> out.add(t.toString()));
        plan.unplaced().forEach(u -> out.add("unplaced " + u));
        return out;
    }

    private static int distinctFilters(ClusterSnapshot snapshot) {
        Set<MetadataFilter> filters = new HashSet<>();
        for (UnitSpec u : snapshot.units()) {
            filters.add(MetadataFilter.of(u.xfleet().metadata()));
        }
        return filters.size();
    }

    /**
     * With {@code placementRules}, machines also state capacities (some none) and some are cordoned or draining; units
     * request resources, and each template's instances share a MaxPerMachine and a SpreadBy key (either may be
     * unset). Without, the cluster is fleet's: the random draws for the rules are not made at all.
     */
    private static ClusterSnapshot randomCluster(Random rnd, boolean placementRules) {
        Map<String, Machine> machines = new HashMap<>();
        int machineCount = 20 + rnd.nextInt(41);
        for (int i = 0; i < machineCount; i++) {
            Map<String, String> md = new HashMap<>();
            for (String k : KEYS) {
                if (rnd.nextInt(5) > 0) {
                    md.put(k, k + rnd.nextInt(4));
                }
            }
            // Few distinct short ids, so MachineID=<short> is sometimes ambiguous.
            String id = String.format("%08x%024x", rnd.nextInt(1 << 20), i % 3);
            Machine m = new Machine(id, "", md);
            if (placementRules) {
                Resources capacity = rnd.nextInt(6) == 0 ? Resources.NONE : new Resources(500L * (1 + rnd.nextInt(8)), (256L << 20) * (1 + rnd.nextInt(8)));
                int a = rnd.nextInt(20);
                Machine.Availability availability = a == 0 ? Machine.Availability.CORDONED : a == 1 ? Machine.Availability.DRAINING
                        : a == 2 ? Machine.Availability.DRAINING_WITH_GLOBAL_UNITS : Machine.Availability.SCHEDULABLE;
                m = new Machine(id, "", md, capacity, availability);
            }
            machines.putIfAbsent(id, m);
        }
        // Per template g0..g7: MaxPerMachine (0 = none) and SpreadBy key (null = none), shared by its instances.
        int[] maxPerMachine = new int[8];
        String[] spreadBy = new String[8];
        if (placementRules) {
            for (int t = 0; t < 8; t++) {
                maxPerMachine[t] = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(3);
                spreadBy[t] = rnd.nextInt(3) == 0 ? null : KEYS[rnd.nextInt(KEYS.length)];
            }
        }
        List<Machine> ms = new ArrayList<>(machines.values());
        List<String> names = new ArrayList<>();
        int unitCount = 100 + rnd.nextInt(301);
        for (int i = 0; i < unitCount; i++) {
            int kind = rnd.nextInt(10);
            names.add(kind < 3 ? "g" + rnd.nextInt(8) + "@" + i + ".service" : kind < 4 ? "side" + i + ".service" : "u" + i + ".service");
        }
        List<UnitSpec> units = new ArrayList<>();
        for (String name : names) {
            List<String> machineOf = name.startsWith("side") ? List.of(names.get(rnd.nextInt(names.size()))) : List.of();
            List<MetadataRequirement> metadata = new ArrayList<>();
            if (rnd.nextInt(3) == 0) {
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    String key = KEYS[rnd.nextInt(KEYS.length)];
                    metadata.add(new MetadataRequirement(key, key + rnd.nextInt(4), rnd.nextInt(4) == 0));
                }
            }
            List<String> conflicts = new ArrayList<>();
            if (name.startsWith("g") && rnd.nextInt(3) > 0) {
                conflicts.add(name.substring(0, name.indexOf('@')) + "@*.service");
            }
            if (rnd.nextInt(15) == 0) {
                conflicts.add(names.get(rnd.nextInt(names.size())));
            }
            List<String> replaces = new ArrayList<>();
            if (rnd.nextInt(25) == 0) {
                replaces.add(rnd.nextInt(3) == 0 ? "g" + rnd.nextInt(8) + "@*.service" : names.get(rnd.nextInt(names.size())));
            }
            Optional<String> machineId = Optional.empty();
            if (rnd.nextInt(40) == 0) {
                Machine m = ms.get(rnd.nextInt(ms.size()));
                machineId = Optional.of(rnd.nextBoolean() ? m.id() : m.shortId());
            }
            int d = rnd.nextInt(20);
            TargetState state = d < 15 ? TargetState.LAUNCHED : d < 18 ? TargetState.LOADED : TargetState.INACTIVE;
            Optional<String> target = Optional.empty();
            if (rnd.nextInt(3) == 0) {
                target = Optional.of(rnd.nextInt(10) == 0 ? "deadbeef" : ms.get(rnd.nextInt(ms.size())).id());
            }
            XFleet xfleet = new XFleet(machineId, machineOf, metadata, conflicts, rnd.nextInt(50) == 0, replaces);
            if (placementRules) {
                Resources request = rnd.nextInt(4) == 0 ? Resources.NONE : new Resources(100L * rnd.nextInt(8), (64L << 20) * rnd.nextInt(8));
                int template = name.startsWith("g") ? name.charAt(1) - '0' : -1;
                PlacementRequests p = new PlacementRequests(request, template < 0 ? 0 : maxPerMachine[template],
                        Optional.ofNullable(template < 0 ? null : spreadBy[template]));
                xfleet = xfleet.withPlacement(p.isNone() ? PlacementRequests.NONE : p);
            }
            units.add(new UnitSpec(name, xfleet, state, target));
        }
        return ClusterSnapshot.of(ms, units);
    }
}
