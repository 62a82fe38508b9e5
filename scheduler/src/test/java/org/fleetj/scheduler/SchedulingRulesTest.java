package org.fleetj.scheduler;

import static org.fleetj.scheduler.Fixtures.apply;
import static org.fleetj.scheduler.Fixtures.id;
import static org.fleetj.scheduler.Fixtures.launched;
import static org.fleetj.scheduler.Fixtures.machine;
import static org.fleetj.scheduler.Fixtures.map;
import static org.fleetj.scheduler.Fixtures.on;
import static org.fleetj.scheduler.Fixtures.placement;
import static org.fleetj.scheduler.Fixtures.x;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per rule: a cluster, the placement expected after applying the plan ("unit=shortId", "-" for
 * none), and fragments expected in the reason given for some units (task reason, or unplaced reason).
 * Every row also checks that planning again after applying the plan changes nothing.
 */
class SchedulingRulesTest {

    private static final String A = "aaaaaaaa";
    private static final String B = "bbbbbbbb";
    private static final String C = "cccccccc";
    private static final String GONE = "dddddddd";

    record Scenario(String name, List<Machine> machines, List<UnitSpec> units, Map<String, String> expected,
                    Map<String, String> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Machine> abc() {
        return List.of(machine(A), machine(B), machine(C));
    }

    private static Arguments row(String name, List<Machine> machines, List<UnitSpec> units, String[] expected, String... reasons) {
        return Arguments.of(new Scenario(name, machines, units, map(expected), map(reasons)));
    }

    private static String[] expect(String... pairs) {
        return pairs;
    }

    private static UnitSpec withState(UnitSpec u, TargetState state) {
        return new UnitSpec(u.name(), u.xfleet(), state, u.targetMachine());
    }

    static Stream<Arguments> scenarios() {
        List<Arguments> rows = new ArrayList<>();
        rows.add(row("least loaded spreads new units, ties broken by machine id", abc(),
                List.of(launched("u1.service"), launched("u2.service"), launched("u3.service"), launched("u4.service")),
                expect("u1.service=" + A, "u2.service=" + B, "u3.service=" + C, "u4.service=" + A),
                "u1.service=placed on least-loaded machine aaaaaaaa (0 units)",
                "u4.service=placed on least-loaded machine aaaaaaaa (1 unit)"));
        rows.add(row("least loaded counts the units already placed", abc(),
                List.of(on(A, "a1.service"), on(A, "a2.service"), on(B, "b1.service"), launched("n1.service"), launched("n2.service")),
                expect("a1.service=" + A, "a2.service=" + A, "b1.service=" + B, "n1.service=" + C, "n2.service=" + B)));
        rows.add(row("stability: placed units are not moved only to even out load", abc(),
                List.of(on(A, "a1.service"), on(A, "a2.service"), on(A, "a3.service"), on(A, "a4.service")),
                expect("a1.service=" + A, "a2.service=" + A, "a3.service=" + A, "a4.service=" + A)));
        rows.add(row("a unit whose desired state is inactive is unscheduled", abc(),
                List.of(withState(on(A, "x.service"), TargetState.INACTIVE)),
                expect("x.service=-"), "x.service=desired state is inactive"));
        rows.add(row("inactive units are not placed; loaded ones are", abc(),
                List.of(withState(launched("idle.service"), TargetState.INACTIVE), withState(launched("ld.service"), TargetState.LOADED)),
                expect("idle.service=-", "ld.service=" + A)));
        rows.add(row("templates are never placed, their instances are (TestUnitRunnable)", abc(),
                List.of(launched("hello@.service"), launched("hello@1.service")),
                expect("hello@.service=-", "hello@1.service=" + A)));
        rows.add(row("a template that somehow has a machine is unscheduled", abc(),
                List.of(on(B, "hello@.service")),
                expect("hello@.service=-"), "hello@.service=templates are never scheduled"));
        rows.add(row("a unit whose machine went away is placed again", List.of(machine(A), machine(B)),
                List.of(on(A, "a.service"), on(GONE, "lost.service")),
                expect("a.service=" + A, "lost.service=" + B),
                "lost.service=target machine dddddddd went away; placed on least-loaded machine bbbbbbbb (0 units)"));
        rows.add(row("a unit whose machine went away and that fits nowhere is unscheduled", List.of(machine(A, "role=web")),
                List.of(on(GONE, "db.service", x().meta("role", "db"))),
                expect("db.service=-"), "db.service=target machine dddddddd went away; cannot be placed again"));

        // MachineOf (TestScheduleMachineOf)
        List<UnitSpec> pingPong = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pingPong.add(launched("ping." + i + ".service"));
            pingPong.add(launched("pong." + i + ".service", x().machineOf("ping." + i + ".service")));
        }
        rows.add(row("MachineOf: three pairs land pairwise together, spread out", abc(), pingPong,
                expect("ping.0.service=" + A, "pong.0.service=" + A, "ping.1.service=" + B, "pong.1.service=" + B,
                        "ping.2.service=" + C, "pong.2.service=" + C),
                "pong.1.service=placed with MachineOf ping.1.service on bbbbbbbb"));
        rows.add(row("MachineOf: a pair migrates together when its machine goes away", List.of(machine(A), machine(B)),
                List.of(on(A, "x.service"), on(GONE, "ping.1.service"), on(GONE, "pong.1.service", x().machineOf("ping.1.service"))),
                expect("x.service=" + A, "ping.1.service=" + B, "pong.1.service=" + B),
                "pong.1.service=target machine dddddddd went away; placed with MachineOf ping.1.service on bbbbbbbb"));
        rows.add(row("MachineOf: a follower sorting before its peer still joins it in the same pass", abc(),
                List.of(launched("a-follower.service", x().machineOf("z-peer.service")), on(A, "busy.service"), launched("z-peer.service")),
                expect("a-follower.service=" + B, "busy.service=" + A, "z-peer.service=" + B)));
        rows.add(row("MachineOf: all peers must share the machine", abc(),
                List.of(on(A, "p1.service"), on(B, "p2.service"), launched("f.service", x().machineOf("p1.service", "p2.service"))),
                expect("p1.service=" + A, "p2.service=" + B, "f.service=-"), "f.service=different machines"));
        rows.add(row("MachineOf: a missing peer makes the follower unplaceable", abc(),
                List.of(launched("f.service", x().machineOf("nosuch.service"))),
                expect("f.service=-"), "f.service=MachineOf peer nosuch.service does not exist"));
        rows.add(row("MachineOf: a follower leaves when its peer is unscheduled", abc(),
                List.of(withState(on(A, "peer.service"), TargetState.INACTIVE), on(A, "f.service", x().machineOf("peer.service"))),
                expect("peer.service=-", "f.service=-"), "f.service=MachineOf peer peer.service is not scheduled"));
        rows.add(row("MachineOf: a follower on the wrong machine joins its peer", abc(),
                List.of(on(A, "peer.service"), on(B, "f.service", x().machineOf("peer.service"))),
                expect("peer.service=" + A, "f.service=" + A),
                "f.service=MachineOf peer peer.service is on aaaaaaaa, not bbbbbbbb; placed with MachineOf peer.service on aaaaaaaa"));

        // Conflicts (TestScheduleConflicts, TestScheduleOneWayConflict, TestScheduleMultipleConflicts)
        List<UnitSpec> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(launched("conflict." + i + ".service", x().conflicts("conflict.*.service")));
        }
        rows.add(row("Conflicts: five mutually conflicting units, three machines: three run, on three machines", abc(), five,
                expect("conflict.0.service=" + A, "conflict.1.service=" + B, "conflict.2.service=" + C,
                        "conflict.3.service=-", "conflict.4.service=-"),
                "conflict.3.service=no machine can run it (3 checked); 3 excluded by Conflicts/Replaces, e.g. conflicts with conflict.0.service on aaaaaaaa"));
        rows.add(row("Conflicts: more template instances than machines: the extra ones wait, the placed ones stay", abc(),
                List.of(on(B, "web@1.service", x().conflicts("web@*.service")), on(B, "app.service"), on(C, "db.service"),
                        launched("web@2.service", x().conflicts("web@*.service")),
                        launched("web@3.service", x().conflicts("web@*.service")),
                        launched("web@4.service", x().conflicts("web@*.service"))),
                expect("web@1.service=" + B, "app.service=" + B, "db.service=" + C,
                        "web@2.service=" + A, "web@3.service=" + C, "web@4.service=-"),
                "web@4.service=no machine can run it (3 checked); 3 excluded by Conflicts/Replaces, e.g. conflicts with web@2.service on aaaaaaaa"));
        rows.add(row("Conflicts: one-way conflict declared by the placed unit blocks the newcomer", List.of(machine(A)),
                List.of(on(A, "conflicts-with-hello.service", x().conflicts("hello.service")), launched("hello.service")),
                expect("conflicts-with-hello.service=" + A, "hello.service=-"),
                "hello.service=conflicts with conflicts-with-hello.service on aaaaaaaa"));
        rows.add(row("Conflicts: one-way conflict declared by the newcomer keeps it off", List.of(machine(A)),
                List.of(on(A, "hello.service"), launched("conflicts-with-hello.service", x().conflicts("hello.service"))),
                expect("conflicts-with-hello.service=-", "hello.service=" + A),
                "conflicts-with-hello.service=conflicts with hello.service on aaaaaaaa"));
        rows.add(row("Conflicts: without the conflicting unit the other runs", List.of(machine(A)),
                List.of(launched("hello.service")), expect("hello.service=" + A)));
        rows.add(row("Conflicts: several Conflicts values all count", abc(),
                List.of(on(A, "y.service"), on(B, "z.service"), launched("m.service", x().conflicts("y.service", "z*"))),
                expect("y.service=" + A, "z.service=" + B, "m.service=" + C)));
        rows.add(row("Conflicts: several Conflicts values, no machine left", List.of(machine(A), machine(B)),
                List.of(on(A, "y.service"), on(B, "z.service"), launched("m.service", x().conflicts("y.service", "z*"))),
                expect("y.service=" + A, "z.service=" + B, "m.service=-")));
        rows.add(row("Conflicts: conflicting neighbours found together: the later name moves", abc(),
                List.of(on(A, "c1.service", x().conflicts("c2.service")), on(A, "c2.service"), on(B, "b.service")),
                expect("c1.service=" + A, "c2.service=" + C, "b.service=" + B),
                "c2.service=conflicts with c1.service on aaaaaaaa; placed on least-loaded machine cccccccc (0 units)"));
        rows.add(row("Conflicts: among neighbours without rules, only the conflicting pair is split", abc(),
                List.of(on(A, "a.service", x().conflicts("c.service")), on(A, "b.service"), on(A, "c.service"), on(A, "d.service")),
                expect("a.service=" + A, "b.service=" + A, "c.service=" + B, "d.service=" + A),
                "c.service=conflicts with a.service on aaaaaaaa"));
        rows.add(row("Conflicts: a neighbour without rules matched by an earlier unit's glob moves", abc(),
                List.of(on(A, "a.service", x().conflicts("x*.service")), on(A, "m.service"), on(A, "x1.service"), on(B, "y.service")),
                expect("a.service=" + A, "m.service=" + A, "x1.service=" + C, "y.service=" + B),
                "x1.service=conflicts with a.service on aaaaaaaa"));
        rows.add(row("Conflicts: a glob matching the unit itself does not count", List.of(machine(A)),
                List.of(launched("web.1.service", x().conflicts("web.*.service"))), expect("web.1.service=" + A)));
        rows.add(row("Conflicts: a malformed glob matches nothing", List.of(machine(A)),
                List.of(on(A, "a.service"), launched("b.service", x().conflicts("[a.service"))),
                expect("a.service=" + A, "b.service=" + A)));

        // Replaces (TestScheduleReplace, TestScheduleCircularReplace)
        rows.add(row("Replace: the new unit takes the replaced unit's machine, the replaced unit moves", List.of(machine(A), machine(B)),
                List.of(on(A, "replace.0.service"), launched("replace.1.service", x().replaces("replace.0.service"))),
                expect("replace.0.service=" + B, "replace.1.service=" + A),
                "replace.1.service=replaces replace.0.service on aaaaaaaa",
                "replace.0.service=replaced by replace.1.service on aaaaaaaa; placed on least-loaded machine bbbbbbbb"));
        rows.add(row("Replace: even onto a busier machine", List.of(machine(A), machine(B)),
                List.of(on(A, "replace.0.service"), on(A, "other.service"), launched("replace.1.service", x().replaces("replace.0.service"))),
                expect("replace.0.service=" + B, "other.service=" + A, "replace.1.service=" + A)));
        rows.add(row("Replace: both new: they are kept apart", List.of(machine(A), machine(B)),
                List.of(launched("replace.0.service"), launched("replace.1.service", x().replaces("replace.0.service"))),
                expect("replace.0.service=" + B, "replace.1.service=" + A)));
        rows.add(row("Replace: a replaced unit found next to its replacement moves", List.of(machine(A), machine(B)),
                List.of(on(A, "a.service", x().replaces("z.service")), on(A, "z.service")),
                expect("a.service=" + A, "z.service=" + B), "z.service=replaced by a.service on aaaaaaaa"));
        rows.add(row("Replace: the replaced unit with nowhere to go is unscheduled", List.of(machine(A)),
                List.of(on(A, "replace.0.service"), launched("replace.1.service", x().replaces("replace.0.service"))),
                expect("replace.0.service=-", "replace.1.service=" + A),
                "replace.0.service=replaced by replace.1.service on aaaaaaaa; cannot be placed again"));
        rows.add(row("Replace: glob Replaces", List.of(machine(A), machine(B)),
                List.of(on(A, "app-v1.service"), launched("app-v2.service", x().replaces("app-v*.service"))),
                expect("app-v1.service=" + B, "app-v2.service=" + A)));
        rows.add(row("circular Replace: the newcomer does not run (TestScheduleCircularReplace)", List.of(machine(A), machine(B)),
                List.of(on(A, "replace.0.service", x().replaces("replace.1.service")),
                        launched("replace.1.service", x().replaces("replace.0.service"))),
                expect("replace.0.service=" + A, "replace.1.service=-"),
                "replace.1.service=circular Replaces with replace.0.service"));
        rows.add(row("circular Replace, both new: the first name runs", List.of(machine(A), machine(B)),
                List.of(launched("replace.0.service", x().replaces("replace.1.service")),
                        launched("replace.1.service", x().replaces("replace.0.service"))),
                expect("replace.0.service=" + A, "replace.1.service=-")));
        rows.add(row("circular Replace, both running: the later name is unscheduled", List.of(machine(A), machine(B)),
                List.of(on(A, "replace.0.service", x().replaces("replace.1.service")),
                        on(B, "replace.1.service", x().replaces("replace.0.service"))),
                expect("replace.0.service=" + A, "replace.1.service=-"),
                "replace.1.service=circular Replaces with replace.0.service: only one of them runs"));
        rows.add(row("Replaces ring of three on one machine settles without looping", List.of(machine(A)),
                List.of(on(A, "r1.service", x().replaces("r2.service")), launched("r2.service", x().replaces("r3.service")),
                        launched("r3.service", x().replaces("r1.service"))),
                expect("r1.service=" + A, "r2.service=-", "r3.service=-")));

        // MachineID (TestScheduleConditionMachineID)
        rows.add(row("MachineID: each unit goes to the machine it names", abc(),
                List.of(launched("pin-a.service", x().machineId(id(A))), launched("pin-b.service", x().machineId(id(B))),
                        launched("pin-c.service", x().machineId(id(C))), launched("pin-c2.service", x().machineId(id(C)))),
                expect("pin-a.service=" + A, "pin-b.service=" + B, "pin-c.service=" + C, "pin-c2.service=" + C),
                "pin-c2.service=placed on cccccccc named by MachineID"));
        rows.add(row("MachineID: the 8-character short id works", abc(),
                List.of(launched("pin.service", x().machineId(C))), expect("pin.service=" + C)));
        rows.add(row("MachineID: a machine not in the cluster", abc(),
                List.of(launched("pin.service", x().machineId(GONE))), expect("pin.service=-"),
                "pin.service=MachineID dddddddd is not in the cluster"));
        rows.add(row("MachineID: a unit on another machine than it names moves there", abc(),
                List.of(on(A, "pin.service", x().machineId(id(C)))), expect("pin.service=" + C),
                "pin.service=MachineID " + id(C) + " does not name machine aaaaaaaa"));
        rows.add(row("MachineID: still subject to conflicts", abc(),
                List.of(on(C, "x.service"), launched("pin.service", x().machineId(C).conflicts("x.service"))),
                expect("x.service=" + C, "pin.service=-"), "pin.service=conflicts with x.service on cccccccc"));

        // MachineMetadata
        List<Machine> regions = List.of(machine(A, "region=us-east", "disk=hdd"), machine(B, "region=us-west", "disk=ssd"),
                machine(C, "region=eu", "disk=ssd"));
        rows.add(row("metadata: OR within a key, AND across keys", regions,
                List.of(launched("m.service", x().meta("region", "us-east").meta("region", "us-west").meta("disk", "ssd"))),
                expect("m.service=" + B)));
        rows.add(row("metadata: OR within a key picks the least loaded of the matches", regions,
                List.of(on(A, "busy.service"), launched("m.service", x().meta("region", "us-east").meta("region", "eu"))),
                expect("busy.service=" + A, "m.service=" + C)));
        rows.add(row("metadata: units sharing a requirement fill the matching machines least loaded first, ties by id",
                List.of(machine(A, "role=db"), machine(B, "role=web"), machine(C, "role=db")),
                List.of(on(A, "a1.service"), on(A, "a2.service"), on(C, "c1.service"),
                        launched("db1.service", x().meta("role", "db")), launched("db2.service", x().meta("role", "db")),
                        launched("db3.service", x().meta("role", "db"))),
                expect("a1.service=" + A, "a2.service=" + A, "c1.service=" + C,
                        "db1.service=" + C, "db2.service=" + A, "db3.service=" + C),
                "db2.service=placed on least-loaded machine aaaaaaaa (2 units)"));
        rows.add(row("metadata: the same requirement written in another order shares the machines' load",
                List.of(machine(A, "role=db"), machine(B, "role=cache"), machine(C, "role=web")),
                List.of(launched("x1.service", x().meta("role", "db").meta("role", "cache")),
                        launched("x2.service", x().meta("role", "cache").meta("role", "db")),
                        launched("x3.service", x().meta("role", "db").meta("role", "cache"))),
                expect("x1.service=" + A, "x2.service=" + B, "x3.service=" + A)));
        rows.add(row("negated metadata: key!=value excludes machines with that value", regions,
                List.of(launched("n.service", x().notMeta("region", "us-west").meta("disk", "ssd")),
                        launched("h.service", x().notMeta("disk", "ssd"))),
                expect("n.service=" + C, "h.service=" + A)));
        rows.add(row("negated metadata: machines without the key pass", List.of(machine(A, "role=db"), machine(B), machine(C, "role=web")),
                List.of(on(B, "busy.service"), launched("n.service", x().notMeta("role", "db"))),
                expect("busy.service=" + B, "n.service=" + C)));
        rows.add(row("metadata: no machine matches", regions,
                List.of(launched("m.service", x().meta("region", "asia"))), expect("m.service=-"),
                "m.service=no machine can run it (3 checked); 3 fail MachineMetadata region=asia"));
        rows.add(row("metadata changed: the unit moves to a machine that matches", List.of(machine(A, "role=db"), machine(B, "role=web")),
                List.of(on(A, "web.service", x().meta("role", "web"))), expect("web.service=" + B),
                "web.service=machine aaaaaaaa no longer passes MachineMetadata role=web not met (machine has role=db)"));
        rows.add(row("metadata with %i specifiers (expanded per instance; TestTemplatesWithSpecifiersInMetadata)",
                List.of(machine(A, "hostname=coreos1"), machine(B, "hostname=coreos2"), machine(C, "hostname=coreos3")),
                List.of(launched("metadata@.service", x().meta("hostname", "coreos%i")),
                        launched("metadata@1.service", x().meta("hostname", "coreos1")),
                        launched("metadata@2.service", x().meta("hostname", "coreos2")),
                        launched("metadata@3.service", x().meta("hostname", "coreos3"))),
                expect("metadata@.service=-", "metadata@1.service=" + A, "metadata@2.service=" + B, "metadata@3.service=" + C)));

        // Global units (placement by agents: GlobalPlacementTest)
        rows.add(row("global units are never placed by the engine", abc(),
                List.of(launched("global.service", x().global()), launched("hello.service")),
                expect("global.service=-", "hello.service=" + A)));
        rows.add(row("a global unit with a machine is unscheduled", abc(),
                List.of(on(B, "global.service", x().global())), expect("global.service=-"),
                "global.service=global units are run by every matching machine's agent"));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void rule(Scenario sc) {
        ClusterSnapshot before = ClusterSnapshot.of(sc.machines(), sc.units());
        Plan plan = Scheduler.leastLoaded().plan(before);
        ClusterSnapshot after = apply(before, plan);

        Map<String, String> expected = new LinkedHashMap<>();
        for (UnitSpec u : before.units()) {
            expected.put(u.name(), sc.expected().get(u.name()));
        }
        assertEquals(expected, placement(after), () -> "plan was:\n" + describe(plan));

        for (Map.Entry<String, String> r : sc.reasons().entrySet()) {
            String reason = reasonFor(plan, r.getKey());
            assertTrue(reason.contains(r.getValue()),
                    () -> "reason for " + r.getKey() + " was \"" + reason + "\", expected it to contain \"" + r.getValue() + "\"");
        }

        Plan again = Scheduler.leastLoaded().plan(after);
        assertTrue(again.isEmpty(), () -> "planning again after applying the plan should change nothing, got:\n" + describe(again));
        assertEquals(plan.unplaced().stream().map(Unplaced::unit).toList(), again.unplaced().stream().map(Unplaced::unit).toList());
    }

    static String reasonFor(Plan plan, String unit) {
        StringBuilder sb = new StringBuilder();
        plan.tasks().stream().filter(t -> t.unit().equals(unit)).forEach(t -> sb.append(t.reason()).append(" | "));
        plan.unplaced().stream().filter(u -> u.unit().equals(unit)).forEach(u -> sb.append(u.reason()).append(" | "));
        return sb.toString();
    }

    static String describe(Plan plan) {
        StringBuilder sb = new StringBuilder();
        plan.tasks().forEach(t -> sb.append("  ").append(t).append('\n'));
        plan.unplaced().forEach(u -> sb.append("  unplaced ").append(u).append('\n'));
        return sb.toString();
    }
}
