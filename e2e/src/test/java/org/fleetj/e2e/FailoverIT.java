package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults on a real 4-machine cluster: a machine crashes, the engine leader's fleetd dies, every fleetd restarts,
 * etcd goes away for a minute. What must hold is checked in each machine's own systemd: units move only when
 * their machine is gone, and nothing is stopped or restarted because of fleetd or etcd trouble.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
    static final String AGENT_TTL = "5s";
    /** The engine's safety pass in this cluster ({@code engine_reconcile_interval}). */
    private static final Duration ENGINE_RECONCILE_INTERVAL = Duration.ofSeconds(1);
    /**
     * Once every restarted fleetd published its units again, its agent has recovered them; what could still act
     * wrongly is the engine, which looks at everything every {@link #ENGINE_RECONCILE_INTERVAL}: two passes.
     */
    private static final Duration AFTER_RESTART_WINDOW = ENGINE_RECONCILE_INTERVAL.multipliedBy(2);
    /** The outage this test is about (etcd gone for a minute). */
    private static final Duration ETCD_OUTAGE = Duration.ofSeconds(60);
    private FleetCluster c;
    private final List<String> units = new ArrayList<>();

    @BeforeAll
    void boot() {
        c = FleetCluster.up(4, LocalClusterOptions.defaults().agentTtl(AGENT_TTL).conf("engine_reconcile_interval", Long.toString(ENGINE_RECONCILE_INTERVAL.toSeconds())));
        for (int i = 1; i <= 6; i++) {
            String name = "steady" + i + ".service";
            units.add(name);
            c.unitFile(name, SchedulingIT.unit("Steady " + i, ""));
        }
        String dir = c.unitFile("probe.service", SchedulingIT.unit("probe", "")).replace("/probe.service", "");
        String[] args = new String[units.size() + 2];
        args[0] = "start";
        args[1] = "--block-attempts=30";
        for (int i = 0; i < units.size(); i++) args[i + 2] = dir + "/" + units.get(i);
        c.fleetctl(args).ok();
        for (String u : units) assertEquals(1, c.runningOn(u).size(), u);
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    @Test
    @Order(1)
    void restartingEveryFleetdRestartsNoUnit() {
        long t = System.nanoTime();
        Map<String, String> before = c.startIdentities(units);
        assertEquals(units.size(), before.size(), before.toString());
        for (Machine m : c.machines()) {
            c.local().sh(m.name(), "systemctl", "restart", "fleetd.service").requireSuccess();
        }
        // wait until every fleetd is back and has published its units again
        c.await("all units reported active again", () -> c.fleetctl("list-units", "--no-legend").ok().lines().stream()
                .filter(l -> l.endsWith("\tactive\trunning")).count() >= units.size());
        FleetCluster.holdsFor("no unit restarted", AFTER_RESTART_WINDOW, () -> before.equals(c.startIdentities(units)));
        assertEquals(before, c.startIdentities(units));
        FleetCluster.figure("restart_every_fleetd", t);
    }

    @Test
    @Order(2)
    void etcdGoneForAMinuteStopsNothingAndEverythingConvergesAfter() {
        long t = System.nanoTime();
        Map<String, String> before = c.startIdentities(units);
        c.local().stopEtcd();
        FleetCluster.holdsFor("every unit runs on one machine while etcd is down", ETCD_OUTAGE,
                () -> c.placement(units).values().stream().allMatch(on -> on.size() == 1));
        assertEquals(before, c.startIdentities(units));
        c.local().startEtcd();
        long back = System.nanoTime();
        // converged: a new unit is launched, and every old one is still reported where it runs
        c.fleetctl("start", "--block-attempts=30", c.unitFile("after-outage.service", SchedulingIT.unit("After", ""))).ok();
        FleetCluster.figure("etcd_back_to_new_unit_running", back);
        assertEquals(before, c.startIdentities(units));
        c.fleetctl("destroy", "after-outage.service").ok();
        FleetCluster.figure("etcd_outage_60s", t);
    }

    @Test
    @Order(3)
    void killingTheEngineLeadersFleetdHandsLeadershipOver() {
        long t = System.nanoTime();
        String leader = c.engineLeader().orElseThrow(() -> new AssertionError("no engine leader in etcd"));
        String leaderMachine = c.nameOf(leader).orElseThrow();
        Map<String, String> before = c.startIdentities(units);
        // a crash of fleetd alone (its machine and units stay): SIGKILL, and keep it down
        c.local().sh(leaderMachine, "sh", "-c", "systemctl kill -s KILL fleetd.service; systemctl stop fleetd.service").requireSuccess();
        c.await("another engine leader", Duration.ofSeconds(30), () -> c.engineLeader().filter(l -> !l.equals(leader)).isPresent());
        FleetCluster.figure("engine_leader_failover", t);
        // work continues under the new leader
        c.fleetctl("start", "--block-attempts=30", c.unitFile("under-new-leader.service", SchedulingIT.unit("New leader", ""))).ok();
        assertEquals(1, c.runningOn("under-new-leader.service").size());
        // without its fleetd, nothing on that machine touched its units
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (e.getKey().endsWith("@" + leaderMachine)) {
                String unit = e.getKey().substring(0, e.getKey().indexOf('@'));
                assertEquals(e.getValue(), c.startIdentity(leaderMachine, unit), "units on " + leaderMachine + " while its fleetd is down");
            }
        }
        c.fleetctl("destroy", "under-new-leader.service").ok();
        // its fleetd returns; units that the engine moved away meanwhile are stopped there, on that instruction
        c.local().sh(leaderMachine, "systemctl", "start", "fleetd.service").requireSuccess();
        awaitEveryUnitOnExactlyOneMachine();
    }

    private void awaitEveryUnitOnExactlyOneMachine() {
        c.await("every unit on exactly one machine", () -> placementOf(units).values().stream().allMatch(on -> on.size() == 1));
    }

    private java.util.Map<String, List<String>> placementOf(List<String> names) {
        return c.placement(names);
    }

    @Test
    @Order(4)
    void aCrashedMachinesUnitsRunElsewhere() {
        awaitEveryUnitOnExactlyOneMachine();
        // the machine that runs steady1.service crashes (kill -9 of its PID 1)
        List<String> on = c.runningOn("steady1.service");
        assertEquals(1, on.size());
        String victim = on.get(0);
        List<String> moving = new ArrayList<>();
        for (String u : units) if (c.runningOn(u).contains(victim)) moving.add(u);
        System.out.println("before crash of " + victim + ": " + placementOf(units));
        long t = System.nanoTime();
        c.local().kill(victim);
        System.out.println("crashed " + victim + " in " + (System.nanoTime() - t) / 1_000_000 + " ms: " + placementOf(units));
        c.await("units of " + victim + " active elsewhere within agent_ttl + 5 s", Duration.ofSeconds(5 + 5 + 2), () -> {
            for (String u : moving) {
                List<String> now = c.runningOn(u);
                if (now.size() != 1 || now.contains(victim)) return false;
            }
            return true;
        });
        FleetCluster.figure("machine_crash_to_units_active_elsewhere", t);
        for (String u : units) assertEquals(1, c.runningOn(u).size(), u);
        c.local().start(victim);
        c.await(victim + " registered again", () -> c.fleetctl("list-machines", "--no-legend").ok().lines().size() == 4);
        for (String u : moving) assertNotEquals(List.of(victim), c.runningOn(u), "a unit placed elsewhere is not moved back");
        assertTrue(c.runningOn("steady1.service").size() == 1);
    }
}
