package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Placement beyond fleet on a real 2-machine cluster whose machines announce different capacities (1 and 2 CPUs
 * set in fleet.conf): units requesting CPU fill both exactly, the next one waits and says why (start exits 1),
 * and it is placed as soon as a unit is destroyed; cordon keeps new units off. Checked in each machine's systemd.
 * Drains with the invariant checker and across an engine failover are the chaos scenario drain_across_engine_failover.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlacementIT {
    private FleetCluster c;

    @BeforeAll
    void boot() {
        c = FleetCluster.up(2, LocalClusterOptions.defaults()
                .conf("m1", "capacity_cpu", "1").conf("m1", "capacity_memory", "1G")
                .conf("m2", "capacity_cpu", "2").conf("m2", "capacity_memory", "2G"));
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    private String half(String name) {
        return c.unitFile(name, SchedulingIT.unit(name, "RequestCPU=500m\nRequestMemory=256M\n"));
    }

    @Test
    void machinesFillAsTheirCapacitySaysAndAWaitingUnitIsPlacedWhenRoomAppears() {
        Machine m1 = c.machine("m1");
        Machine m2 = c.machine("m2");
        List<String> capacities = c.fleetctl("list-machines", "--full", "--no-legend", "--fields", "machine,cpu,memory,availability").ok().lines();
        assertTrue(capacities.contains(m1.machineId() + "\t1\t1GiB\tschedulable"), capacities.toString());
        assertTrue(capacities.contains(m2.machineId() + "\t2\t2GiB\tschedulable"), capacities.toString());

        List<String> args = new ArrayList<>(List.of("start", "--block-attempts=30"));
        for (int i = 1; i <= 6; i++) args.add(half("half" + i + ".service"));
        c.fleetctl(args.toArray(String[]::new)).ok();
        int onM1 = 0;
        int onM2 = 0;
        for (int i = 1; i <= 6; i++) {
            List<String> on = c.runningOn("half" + i + ".service");
            assertEquals(1, on.size(), "half" + i + " runs once: " + on);
            onM1 += on.get(0).equals("m1") ? 1 : 0;
            onM2 += on.get(0).equals("m2") ? 1 : 0;
        }
        assertEquals(2, onM1, "m1 (1 CPU) holds two 500m units");
        assertEquals(4, onM2, "m2 (2 CPUs) holds four");

        FleetCluster.Run waiting = c.fleetctl("start", "--block-attempts=2", half("half7.service"));
        assertEquals(1, waiting.exit(), waiting.toString());
        assertTrue(waiting.err().contains("Unit half7.service waits: no machine can run it (2 checked); 2 lack 500m CPU (at most 0 CPU free)"),
                waiting.err());
        assertTrue(c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit,reason").ok().lines().stream()
                .anyMatch(l -> l.startsWith("half7.service\tno machine can run it")));

        String onM2Unit = null;
        for (int i = 1; i <= 6 && onM2Unit == null; i++) {
            if (c.runningOn("half" + i + ".service").equals(List.of("m2"))) onM2Unit = "half" + i + ".service";
        }
        c.fleetctl("destroy", onM2Unit).ok();
        c.await("half7.service runs on m2 once room appears", () -> c.runningOn("half7.service").equals(List.of("m2")));

        c.fleetctl("cordon", m1.machineId()).ok();
        c.fleetctl("start", "--block-attempts=30", c.unitFile("free.service", SchedulingIT.unit("free", ""))).ok();
        assertEquals(List.of("m2"), c.runningOn("free.service"), "a cordoned machine takes nothing new");
        c.fleetctl("uncordon", m1.machineId()).ok();
    }
}
