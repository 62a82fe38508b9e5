package org.fleetj.scheduler;

import static org.fleetj.scheduler.Fixtures.apply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.fleetj.unit.MetadataRequirement;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitGlob;
import org.fleetj.unit.XFleet;
import org.junit.jupiter.api.Test;

/**
 * Properties over thousands of random clusters (seeded; a failure names its seed so it can be replayed
 * with {@link #replay}). The invariants are checked with the raw X-Fleet values and {@link UnitGlob}, not
 * with the scheduler's own rule code.
 */
class SchedulerPropertiesTest {

    /** How many clusters; raise with -Dscheduler.clusters=N for a longer hunt. */
    private static final int CLUSTERS = Integer.getInteger("scheduler.clusters", 4000);
    private static final long BASE_SEED = Long.getLong("scheduler.seed", 0x5EEDF1EE7L);

    private static final String[] NAMES = {
        "s0.service", "s1.service", "s2.service", "s3.service", "s4.service", "s5.service", "s6.service",
        "s7.service", "s8.service", "s9.service", "s10.service", "s11.service", "s12.service",
        "w@.service", "w@1.service", "w@2.service", "w@3.service", "db.socket", "db.service", "cache.service",
    };
    private static final String[] GLOBS = {
        "s1*.service", "s?.service", "w@*.service", "db.*", "*", "[s]1[0-2].service", "cache.service", "nosuch.service",
    };
    private static final String[] ROLES = {"web", "db", "cache"};
    private static final String[] REGIONS = {"a", "b"};

    @Test
    void randomClustersKeepEveryInvariant() {
        for (int i = 0; i < CLUSTERS; i++) {
            long seed = BASE_SEED + i;
            try {
                replay(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("random cluster with seed " + seed + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Generates the cluster for {@code seed} and checks every property on it. */
    static void replay(long seed) {
        Random rnd = new Random(seed);
        List<Machine> machines = randomMachines(rnd);
        List<UnitSpec> units = randomUnits(rnd, machines);
        ClusterSnapshot snapshot = ClusterSnapshot.of(machines, units);
        Scheduler scheduler = Scheduler.leastLoaded();
        Plan plan = scheduler.plan(snapshot);

        // Deterministic: same snapshot, and the same cluster given in another order, give the same plan.
        assertEquals(plan, scheduler.plan(snapshot), "same snapshot, different plan");
        List<Machine> m2 = new ArrayList<>(machines);
        List<UnitSpec> u2 = new ArrayList<>(units);
        Collections.shuffle(m2, rnd);
        Collections.shuffle(u2, rnd);
        assertEquals(plan, scheduler.plan(ClusterSnapshot.of(m2, u2)), "same cluster in another order, different plan");

        ClusterSnapshot after = apply(snapshot, plan);
        checkPlacementValid(after, describe(snapshot, plan));

        Plan again = scheduler.plan(after);
        if (!again.isEmpty()) {
            fail("not converged: planning after applying the plan gave\n" + SchedulingRulesTest.describe(again)
                    + "\n" + describe(snapshot, plan));
        }
    }

    private static void checkPlacementValid(ClusterSnapshot s, String context) {
        Map<String, List<UnitSpec>> byMachine = new HashMap<>();
        Set<String> wantedButNotPlaced = new java.util.TreeSet<>();
        for (UnitSpec u : s.units()) {
            boolean wants = u.desiredState() != TargetState.INACTIVE && !u.xfleet().global() && !u.name().contains("@.");
            if (u.targetMachine().isEmpty()) {
                if (wants) {
                    wantedButNotPlaced.add(u.name());
                }
                continue;
            }
            assertTrue(wants, () -> u.name() + " must not be scheduled (inactive, template or global)\n" + context);
            Machine m = s.machine(u.targetMachine().get()).orElse(null);
            assertTrue(m != null, () -> u.name() + " scheduled to a machine not in the cluster\n" + context);
            byMachine.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(u);
            u.xfleet().machineId().ifPresent(id -> assertTrue(m.id().equals(id) || m.shortId().equals(id),
                    () -> u.name() + " violates MachineID " + id + " on " + m.id() + "\n" + context));
            assertTrue(metadataHolds(u.xfleet(), m), () -> u.name() + " violates MachineMetadata on " + m.id() + "\n" + context);
            for (String peer : u.xfleet().machineOf()) {
                Optional<String> peerTarget = s.unit(peer).flatMap(UnitSpec::targetMachine);
                assertEquals(Optional.of(m.id()), peerTarget, () -> u.name() + " violates MachineOf " + peer + "\n" + context);
            }
        }
        for (List<UnitSpec> together : byMachine.values()) {
            for (UnitSpec a : together) {
                for (UnitSpec b : together) {
                    if (a != b) {
                        assertTrue(!matchesAny(a.xfleet().conflicts(), b.name()),
                                () -> a.name() + " conflicts with " + b.name() + " on the same machine\n" + context);
                        assertTrue(!matchesAny(a.xfleet().replaces(), b.name()),
                                () -> a.name() + " shares a machine with " + b.name() + ", which it replaces\n" + context);
                    }
                }
            }
        }
        for (UnitSpec a : s.units()) {
            for (UnitSpec b : s.units()) {
                if (a != b && a.targetMachine().isPresent() && b.targetMachine().isPresent()
                        && matchesAny(a.xfleet().replaces(), b.name()) && matchesAny(b.xfleet().replaces(), a.name())) {
                    fail(a.name() + " and " + b.name() + " replace each other, yet both are scheduled\n" + context);
                }
            }
        }
        Plan plan = Scheduler.leastLoaded().plan(s);
        assertEquals(wantedButNotPlaced, new java.util.TreeSet<>(plan.unplaced().stream().map(Unplaced::unit).toList()),
                () -> "every unit that wants a machine and has none is reported unplaced; planning again gave\n"
                        + SchedulingRulesTest.describe(plan) + context);
    }

    private static boolean matchesAny(List<String> globs, String name) {
        for (String g : globs) {
            if (UnitGlob.matches(g, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean metadataHolds(XFleet xf, Machine m) {
        Map<String, List<String>> required = new HashMap<>();
        for (MetadataRequirement r : xf.metadata()) {
            String have = m.metadata().get(r.key());
            if (r.negated()) {
                if (r.value().equals(have)) {
                    return false;
                }
            } else {
                required.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            }
        }
        for (Map.Entry<String, List<String>> e : required.entrySet()) {
            if (!e.getValue().contains(m.metadata().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static List<Machine> randomMachines(Random rnd) {
        int n = rnd.nextInt(7); // 0..6, an empty cluster included
        List<Machine> out = new ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            String shortId = String.format("%08x", rnd.nextInt(1 << 12));
            // Now and then two machines share a short id, so MachineID=<short> is ambiguous.
            String id = shortId + String.format("%024x", rnd.nextInt(4));
            if (!ids.add(id)) {
                continue;
            }
            Map<String, String> md = new HashMap<>();
            if (rnd.nextInt(4) > 0) {
                md.put("role", ROLES[rnd.nextInt(ROLES.length)]);
            }
            if (rnd.nextBoolean()) {
                md.put("region", REGIONS[rnd.nextInt(REGIONS.length)]);
            }
            out.add(new Machine(id, "10.0.0." + (i + 1), md));
        }
        return out;
    }

    private static List<UnitSpec> randomUnits(Random rnd, List<Machine> machines) {
        List<String> pool = new ArrayList<>(List.of(NAMES));
        Collections.shuffle(pool, rnd);
        int n = rnd.nextInt(NAMES.length + 1);
        List<UnitSpec> out = new ArrayList<>();
        for (String name : pool.subList(0, n)) {
            int d = rnd.nextInt(20);
            TargetState state = d < 14 ? TargetState.LAUNCHED : d < 17 ? TargetState.LOADED : TargetState.INACTIVE;
            Optional<String> target = Optional.empty();
            if (rnd.nextBoolean()) {
                target = machines.isEmpty() || rnd.nextInt(6) == 0
                        ? Optional.of("deadbeef" + String.format("%024x", rnd.nextInt(3)))
                        : Optional.of(machines.get(rnd.nextInt(machines.size())).id());
            }
            out.add(new UnitSpec(name, randomXFleet(rnd, machines), state, target));
        }
        return out;
    }

    private static XFleet randomXFleet(Random rnd, List<Machine> machines) {
        Optional<String> machineId = Optional.empty();
        if (rnd.nextInt(10) == 0) {
            int c = rnd.nextInt(3);
            if (c == 0 || machines.isEmpty()) {
                machineId = Optional.of("feedface");
            } else {
                Machine m = machines.get(rnd.nextInt(machines.size()));
                machineId = Optional.of(c == 1 ? m.id() : m.shortId());
            }
        }
        List<String> machineOf = new ArrayList<>();
        if (rnd.nextInt(6) == 0) {
            machineOf.add(NAMES[rnd.nextInt(NAMES.length)]);
            if (rnd.nextInt(4) == 0) {
                machineOf.add(NAMES[rnd.nextInt(NAMES.length)]);
            }
        }
        List<MetadataRequirement> metadata = new ArrayList<>();
        if (rnd.nextInt(4) == 0) {
            int k = 1 + rnd.nextInt(3);
            for (int i = 0; i < k; i++) {
                boolean role = rnd.nextBoolean();
                String key = role ? "role" : "region";
                String value = role ? ROLES[rnd.nextInt(ROLES.length)] : REGIONS[rnd.nextInt(REGIONS.length)];
                metadata.add(new MetadataRequirement(key, value, rnd.nextInt(3) == 0));
            }
        }
        List<String> conflicts = new ArrayList<>();
        if (rnd.nextInt(4) == 0) {
            int k = 1 + rnd.nextInt(2);
            for (int i = 0; i < k; i++) {
                conflicts.add(rnd.nextBoolean() ? GLOBS[rnd.nextInt(GLOBS.length)] : NAMES[rnd.nextInt(NAMES.length)]);
            }
        }
        boolean global = rnd.nextInt(12) == 0;
        List<String> replaces = new ArrayList<>();
        if (rnd.nextInt(8) == 0) {
            replaces.add(rnd.nextInt(4) == 0 ? GLOBS[rnd.nextInt(GLOBS.length)] : NAMES[rnd.nextInt(NAMES.length)]);
        }
        return new XFleet(machineId, machineOf, metadata, conflicts, global, replaces);
    }

    private static String describe(ClusterSnapshot s, Plan plan) {
        StringBuilder sb = new StringBuilder("cluster:\n");
        for (Machine m : s.machines()) {
            sb.append("  machine ").append(m.id()).append(' ').append(m.metadata()).append('\n');
        }
        for (UnitSpec u : s.units()) {
            sb.append("  unit ").append(u.name()).append(' ').append(u.desiredState()).append(" on ")
                    .append(u.targetMachine().orElse("-")).append(' ').append(u.xfleet()).append('\n');
        }
        sb.append("plan:\n").append(SchedulingRulesTest.describe(plan));
        return sb.toString();
    }
}
