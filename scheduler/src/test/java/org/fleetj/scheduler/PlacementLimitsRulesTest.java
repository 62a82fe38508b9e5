package org.fleetj.scheduler;

import static org.fleetj.scheduler.Fixtures.apply;
import static org.fleetj.scheduler.Fixtures.launched;
import static org.fleetj.scheduler.Fixtures.machine;
import static org.fleetj.scheduler.Fixtures.map;
import static org.fleetj.scheduler.Fixtures.on;
import static org.fleetj.scheduler.Fixtures.placement;
import static org.fleetj.scheduler.Fixtures.sized;
import static org.fleetj.scheduler.Fixtures.with;
import static org.fleetj.scheduler.Fixtures.x;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fleetj.scheduler.Machine.Availability;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules beyond fleet, one row each and in combination with fleet's: capacity and requests (global units
 * included), spread and bin-pack ranking, MaxPerMachine, SpreadBy, cordon and drain. Each row plans and applies
 * until the plan is empty (a drain takes several passes) and checks the final placement, the reasons given by the
 * first pass, and that no pass moves more units off draining machines than allowed.
 */
class PlacementLimitsRulesTest {

    private static final String A = "aaaaaaaa";
    private static final String B = "bbbbbbbb";
    private static final String C = "cccccccc";
    private static final String D = "dddddddd";
    private static final int DRAIN_MOVES = 2;
    private static final SchedulerSettings SPREAD = new SchedulerSettings(Ranking.SPREAD, DRAIN_MOVES);
    private static final SchedulerSettings BINPACK = new SchedulerSettings(Ranking.BINPACK, DRAIN_MOVES);

    record Scenario(String name, SchedulerSettings settings, List<Machine> machines, List<UnitSpec> units,
                    Map<String, String> expected, Map<String, String> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Arguments row(String name, SchedulerSettings settings, List<Machine> machines, List<UnitSpec> units,
                                 String[] expected, String... reasons) {
        return Arguments.of(new Scenario(name, settings, machines, units, map(expected), map(reasons)));
    }

    private static String[] expect(String... pairs) {
        return pairs;
    }

    /** Two machines: A with 2 CPUs and 2 GiB, B with 1 CPU and 1 GiB. */
    private static List<Machine> bigAndSmall() {
        return List.of(sized(A, 2000, 2048), sized(B, 1000, 1024));
    }

    private static List<UnitSpec> halfCpuUnits(int n) {
        List<UnitSpec> units = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            units.add(launched("u" + i + ".service", x().request(500, 512)));
        }
        return units;
    }

    private static List<UnitSpec> instances(String template, int n, Fixtures.XF rules) {
        List<UnitSpec> units = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            units.add(launched(template + "@" + i + ".service", rules));
        }
        return units;
    }

    static Stream<Arguments> scenarios() {
        List<Arguments> rows = new ArrayList<>();
        // capacity and ranking
        rows.add(row("spread: by share of capacity, then unit count; the 7th unit fits nowhere", SPREAD, bigAndSmall(),
                halfCpuUnits(7),
                expect("u1.service=" + A, "u2.service=" + B, "u3.service=" + A, "u4.service=" + B, "u5.service=" + A,
                        "u6.service=" + A, "u7.service=-"),
                "u3.service=placed on least-loaded machine aaaaaaaa (1 unit, 25% reserved)",
                "u7.service=no machine can run it (2 checked); 2 lack 500m CPU (at most 0 CPU free)"));
        rows.add(row("bin-pack: fills the fullest machine that fits first", BINPACK, bigAndSmall(), halfCpuUnits(6),
                expect("u1.service=" + A, "u2.service=" + A, "u3.service=" + A, "u4.service=" + A, "u5.service=" + B,
                        "u6.service=" + B),
                "u2.service=placed on most-loaded fitting machine aaaaaaaa"));
        rows.add(row("units requesting nothing place as fleet did, whatever the capacities", SPREAD,
                List.of(sized(A, 100, 100), sized(B, 8000, 8000), machine(C)),
                List.of(launched("n1.service"), launched("n2.service"), launched("n3.service"), launched("n4.service")),
                expect("n1.service=" + A, "n2.service=" + B, "n3.service=" + C, "n4.service=" + A),
                "n1.service=placed on least-loaded machine aaaaaaaa (0 units)"));
        rows.add(row("memory: a request larger than any machine's free memory waits, saying how much is free", SPREAD,
                List.of(sized(A, 0, 1024)), List.of(launched("big.service", x().request(0, 1536))),
                expect("big.service=-"), "big.service=1 lack 1.5 GiB of memory (at most 1 GiB free)"));
        rows.add(row("global units reserve their request on every machine they run on", SPREAD,
                List.of(sized(A, 1000, 0, "role=x"), sized(B, 1000, 0)),
                List.of(launched("g.service", x().global().meta("role", "x").request(600, 0)),
                        launched("u1.service", x().request(500, 0)), launched("u2.service", x().request(500, 0)),
                        launched("u3.service", x().request(500, 0))),
                expect("g.service=-", "u1.service=" + B, "u2.service=" + B, "u3.service=-"),
                "u3.service=2 lack 500m CPU (at most 400m CPU free)"));
        rows.add(row("units already over capacity stay (capacity shrank): only new placements are refused", SPREAD,
                List.of(sized(A, 1000, 0)),
                List.of(on(A, "old1.service", x().request(800, 0)), on(A, "old2.service", x().request(800, 0)),
                        launched("new.service", x().request(100, 0))),
                expect("old1.service=" + A, "old2.service=" + A, "new.service=-")));
        rows.add(row("Replaces: the replacing unit may use what the replaced one frees", SPREAD,
                List.of(sized(A, 1000, 0), sized(B, 1000, 0)),
                List.of(on(A, "old.service", x().request(800, 0)), on(B, "other.service", x().request(100, 0)),
                        launched("new.service", x().replaces("old.service").request(900, 0))),
                expect("old.service=" + B, "other.service=" + B, "new.service=" + A),
                "new.service=replaces old.service on aaaaaaaa"));
        rows.add(row("MachineOf: a follower that does not fit beside its peer waits", SPREAD,
                List.of(sized(A, 1000, 0), sized(B, 1000, 0)),
                List.of(on(A, "p.service", x().request(800, 0)), launched("f.service", x().machineOf("p.service").request(300, 0))),
                expect("p.service=" + A, "f.service=-"), "f.service=machine aaaaaaaa lacks 300m CPU (200m CPU free)"));
        rows.add(row("MachineID: a named machine without room refuses the unit", SPREAD, List.of(sized(A, 0, 512)),
                List.of(launched("pinned.service", x().machineId(A).request(0, 1024))),
                expect("pinned.service=-"), "pinned.service=machine aaaaaaaa lacks 1 GiB of memory (512 MiB free)"));

        // MaxPerMachine and SpreadBy
        List<Machine> abc = List.of(machine(A), machine(B), machine(C));
        rows.add(row("MaxPerMachine=1 is Conflicts=web@* without naming it", SPREAD, abc,
                instances("web", 4, x().maxPerMachine(1)),
                expect("web@1.service=" + A, "web@2.service=" + B, "web@3.service=" + C, "web@4.service=-"),
                "web@4.service=no machine can run it (3 checked); 3 at MaxPerMachine=1 for web@.service, e.g. machine aaaaaaaa already runs 1 instance of web@.service"));
        rows.add(row("MaxPerMachine=2 with bin-pack: two per machine, then the next", BINPACK, List.of(machine(A), machine(B)),
                instances("web", 5, x().maxPerMachine(2)),
                expect("web@1.service=" + A, "web@2.service=" + A, "web@3.service=" + B, "web@4.service=" + B, "web@5.service=-")));
        rows.add(row("MaxPerMachine counts instances of the template only", SPREAD, List.of(machine(A)),
                List.of(on(A, "db@1.service"), on(A, "web@1.service"), launched("web@2.service", x().maxPerMachine(1)),
                        launched("db@2.service", x().maxPerMachine(2))),
                expect("db@1.service=" + A, "web@1.service=" + A, "web@2.service=-", "db@2.service=" + A)));
        List<Machine> regions = List.of(machine(A, "region=eu"), machine(B, "region=eu"), machine(C, "region=us"), machine(D));
        rows.add(row("SpreadBy=region: each instance goes to the region with fewest; machines without the key are not used",
                SPREAD, regions, instances("web", 5, x().spreadBy("region")),
                expect("web@1.service=" + A, "web@2.service=" + C, "web@3.service=" + B, "web@4.service=" + C,
                        "web@5.service=" + A),
                "web@2.service=spread by region=us"));
        rows.add(row("SpreadBy with MaxPerMachine=1: the region with room gets it when the emptier one is full", SPREAD,
                regions, instances("web", 4, x().spreadBy("region").maxPerMachine(1)),
                expect("web@1.service=" + A, "web@2.service=" + C, "web@3.service=" + B, "web@4.service=-"),
                "web@4.service=1 lack metadata region (SpreadBy); 3 at MaxPerMachine=1"));
        rows.add(row("SpreadBy with MachineMetadata and capacity: only passing machines count", SPREAD,
                List.of(sized(A, 1000, 0, "region=eu", "disk=ssd"), sized(B, 1000, 0, "region=us", "disk=ssd"),
                        sized(C, 1000, 0, "region=us", "disk=hdd")),
                instances("db", 3, x().spreadBy("region").meta("disk", "ssd").request(600, 0)),
                expect("db@1.service=" + A, "db@2.service=" + B, "db@3.service=-"),
                "db@3.service=no machine can run it (3 checked); 1 fail MachineMetadata disk=ssd; 2 lack 600m CPU"));

        // cordon and drain
        rows.add(row("cordon: units stay, nothing new lands", SPREAD,
                List.of(with(machine(A), Availability.CORDONED), machine(B), machine(C)),
                List.of(on(A, "x.service"), launched("n1.service"), launched("n2.service")),
                expect("x.service=" + A, "n1.service=" + B, "n2.service=" + C)));
        rows.add(row("every machine cordoned: the unit waits and says so", SPREAD,
                List.of(with(machine(A), Availability.CORDONED), with(machine(B), Availability.DRAINING)),
                List.of(launched("n.service")), expect("n.service=-"),
                "n.service=no machine can run it (2 checked); 2 cordoned or draining"));
        rows.add(row("cordon: MachineID naming a cordoned machine waits", SPREAD, List.of(with(machine(A), Availability.CORDONED)),
                List.of(launched("p.service", x().machineId(A))), expect("p.service=-"), "p.service=machine aaaaaaaa is cordoned"));
        List<UnitSpec> busy = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            busy.add(on(A, "a" + i + ".service"));
        }
        busy.add(on(B, "b.service"));
        rows.add(row("drain: every unit moves off, a few per pass, honouring spread", SPREAD,
                List.of(with(machine(A), Availability.DRAINING), machine(B), machine(C)), busy,
                expect("a1.service=" + C, "a2.service=" + B, "a3.service=" + C, "a4.service=" + B, "a5.service=" + C,
                        "b.service=" + B),
                "a1.service=machine aaaaaaaa is draining; placed on least-loaded machine cccccccc",
                "a3.service=waiting to leave draining machine aaaaaaaa (2 units move per engine pass)"));
        rows.add(row("drain: a MachineOf pair moves together, Conflicts are honoured", SPREAD,
                List.of(with(machine(A), Availability.DRAINING), machine(B), machine(C)),
                List.of(on(A, "p.service", x().conflicts("q.service")), on(A, "f.service", x().machineOf("p.service")),
                        on(B, "q.service")),
                expect("p.service=" + C, "f.service=" + C, "q.service=" + B)));
        rows.add(row("drain: a unit with nowhere to go keeps running where it is and says why", SPREAD,
                List.of(with(sized(A, 4000, 0), Availability.DRAINING), sized(B, 1000, 0)),
                List.of(on(A, "big.service", x().request(2000, 0)), on(A, "small.service", x().request(500, 0))),
                expect("big.service=" + A, "small.service=" + B),
                "big.service=cannot leave draining machine aaaaaaaa now: no machine can run it (2 checked); 1 cordoned or draining; 1 lack 2 CPU"));
        rows.add(row("drain: a unit pinned by MachineID stays", SPREAD,
                List.of(with(machine(A), Availability.DRAINING), machine(B)),
                List.of(on(A, "pinned.service", x().machineId(A))), expect("pinned.service=" + A),
                "pinned.service=cannot leave draining machine aaaaaaaa: its MachineID names it"));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void rule(Scenario sc) {
        Scheduler scheduler = Scheduler.of(sc.settings());
        ClusterSnapshot state = ClusterSnapshot.of(sc.machines(), sc.units());
        Plan first = scheduler.plan(state);
        Plan plan = first;
        int passes = 0;
        while (!plan.isEmpty()) {
            assertTrue(++passes <= 10, () -> "no stable placement after 10 passes");
            assertTrue(movesOffDraining(state, plan) <= DRAIN_MOVES, () -> "too many moves off draining machines in one pass");
            state = apply(state, plan);
            plan = scheduler.plan(state);
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (UnitSpec u : state.units()) {
            expected.put(u.name(), sc.expected().get(u.name()));
        }
        assertEquals(expected, placement(state), () -> "first plan was:\n" + SchedulingRulesTest.describe(first));
        for (Map.Entry<String, String> r : sc.reasons().entrySet()) {
            String reason = SchedulingRulesTest.reasonFor(first, r.getKey());
            assertTrue(reason.contains(r.getValue()),
                    () -> "reason for " + r.getKey() + " was \"" + reason + "\", expected it to contain \"" + r.getValue() + "\"");
        }
    }

    private static long movesOffDraining(ClusterSnapshot s, Plan plan) {
        return plan.tasks().stream().filter(t -> t.kind() == Task.Kind.RESCHEDULE)
                .filter(t -> s.machine(t.from().orElseThrow()).map(m -> m.availability().draining()).orElse(false))
                .count();
    }
}
