package org.fleetj.registry;

import static org.awaitility.Awaitility.await;
import static org.fleetj.registry.RegistryTestData.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.RegistryTestData.PresenceEvents;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * The registry contract for machines, their presences, metadata, availability, wait reasons and unit states (see
 * {@link RegistryContract}).
 */
public interface MachinesContract extends RegistryFixture {

    @Test
    default void joinedMachineIsListedUntilItLeaves() {
        MachinePresence p = registry().join(machine(machineId(2), "10.0.0.2", Map.of("region", "eu")), "host2", ttl());
        registry().join(machine(machineId(1), "10.0.0.1", Map.of()), "host1", ttl());

        assertTrue(p.isAlive());
        assertEquals(machineId(2), p.machineId());
        List<MachineState> machines = registry().machines();
        assertEquals(List.of(machineId(1), machineId(2)), machines.stream().map(MachineState::id).toList());
        assertEquals(machine(machineId(2), "10.0.0.2", Map.of("region", "eu")), machines.get(1));

        registry().publishUnitState(p, new UnitState("a.service", machineId(2), "h", "loaded", "active", "running", TargetState.LAUNCHED));
        p.close();
        assertFalse(p.isAlive());
        assertEquals(List.of(machineId(1)), registry().machines().stream().map(MachineState::id).toList());
        assertEquals(List.of(), registry().unitStates());
    }

    @Test
    default void presenceUpdateChangesTheAnnouncement() {
        MachinePresence p = registry().join(machine(machineId(1), "10.0.0.1", Map.of("a", "1")), "host1", ttl());
        p.update(machine(machineId(1), "10.0.0.9", Map.of("a", "2")));
        assertEquals(List.of(machine(machineId(1), "10.0.0.9", Map.of("a", "2"))), registry().machines());
        assertThrows(IllegalArgumentException.class, () -> p.update(machine(machineId(2), "", Map.of())));
    }

    @Test
    default void crashedMachineExpiresWithItsUnitStates() {
        Registry other = otherClient();
        MachinePresence p = other.join(machine(machineId(1), "10.0.0.1", Map.of()), "host1", ttl());
        other.publishUnitState(p, new UnitState("a.service", machineId(1), "h", "loaded", "active", "running", TargetState.LAUNCHED));
        assertEquals(1, registry().unitStates().size());

        crash(other, p);

        await().atMost(patience()).until(() -> registry().machines().isEmpty());
        assertEquals(List.of(), registry().unitStates());
    }

    @Test
    default void aSecondMachineWithTheSameIdIsRefused() {
        registry().join(machine(machineId(1), "10.0.0.1", Map.of()), "host1", ttl());
        DuplicateMachineException e = assertThrows(DuplicateMachineException.class,
                () -> otherClient().join(machine(machineId(1), "10.0.0.2", Map.of()), "host2", ttl()));
        assertTrue(e.getMessage().contains(machineId(1)) && e.getMessage().contains("host1"), e.getMessage());
        assertEquals(List.of(machine(machineId(1), "10.0.0.1", Map.of())), registry().machines());
    }

    @Test
    default void aRestartOnTheSameHostTakesTheRegistrationOver() {
        Registry old = otherClient();
        MachinePresence before = old.join(machine(machineId(1), "10.0.0.1", Map.of("v", "old")), "host1", ttl());

        MachinePresence after = registry().join(machine(machineId(1), "10.0.0.1", Map.of("v", "new")), "host1", ttl());
        assertEquals(List.of(machine(machineId(1), "10.0.0.1", Map.of("v", "new"))), registry().machines());

        // the old process dies; its lease ends, the new registration stays
        crash(old, before);
        await("the new registration outlives the old lease").during(crashedLeaseExpiry())
                .atMost(crashedLeaseExpiry().plus(patience()))
                .until(() -> after.isAlive() && registry().machines().equals(List.of(machine(machineId(1), "10.0.0.1", Map.of("v", "new")))));
    }

    @Test
    default void dynamicMetadataMergesAndSurvivesLeavingAndRejoining() {
        MachinePresence p = registry().join(machine(machineId(1), "", Map.of("region", "eu", "disk", "ssd")), "host1", ttl());
        registry().setMachineMetadata(machineId(1), "region", "us");
        registry().setMachineMetadata(machineId(1), "rack", "r1");
        assertEquals(Map.of("region", "us", "disk", "ssd", "rack", "r1"), registry().machines().get(0).metadata());

        p.close();
        assertEquals(Map.of(machineId(1), Map.of("region", "us", "rack", "r1")), registry().machineMetadata());
        registry().join(machine(machineId(1), "", Map.of("region", "eu")), "host1", ttl());
        assertEquals(Map.of("region", "us", "rack", "r1"), registry().machines().get(0).metadata());

        registry().setMachineMetadata(machineId(1), "region", null);
        registry().setMachineMetadata(machineId(1), "rack", null);
        assertEquals(Map.of("region", "eu"), registry().machines().get(0).metadata());
        assertEquals(Map.of(), registry().machineMetadata());
    }

    @Test
    default void capacityIsAnnouncedAndAvailabilitySurvivesLeavingAndRejoiningAndWakesTheWatches() {
        AtomicInteger clusterWakes = new AtomicInteger();
        AtomicInteger globalWakes = new AtomicInteger();
        registry().watchCluster(clusterWakes::incrementAndGet);
        registry().watchGlobalJobs(globalWakes::incrementAndGet);
        Resources capacity = new Resources(1500, 2L << 30);
        MachineState announced = new MachineState(machineId(1), "", Map.of(), "v", capacity, MachineAvailability.SCHEDULABLE);
        MachinePresence p = registry().join(announced, "host1", ttl());
        assertEquals(List.of(announced), registry().machines());
        await().atMost(patience()).until(() -> clusterWakes.get() >= 1);
        int cluster = settled(clusterWakes);
        int global = settled(globalWakes);
        otherClient().setMachineAvailability(machineId(1), MachineAvailability.DRAINING);
        assertEquals(MachineAvailability.DRAINING, registry().machines().get(0).availability());
        await().atMost(patience()).until(() -> clusterWakes.get() > cluster && globalWakes.get() > global);

        p.close();
        registry().join(announced, "host1", ttl());
        assertEquals(List.of(announced.withAvailability(MachineAvailability.DRAINING)), registry().machines());
        registry().setMachineAvailability(machineId(1), MachineAvailability.SCHEDULABLE);
        assertEquals(List.of(announced), registry().machines());
    }

    @Test
    default void waitReasonsArePublishedChangedAndRemoved() {
        assertEquals(Map.of(), registry().waitReasons());
        Map<String, String> first = new java.util.HashMap<>();
        first.put("a.service", "no machine can run it (1 checked); 1 cordoned or draining");
        first.put("b.service", "MachineOf peer x.service is not scheduled");
        registry().publishWaitReasons(first);
        assertEquals(first, otherClient().waitReasons());
        Map<String, String> change = new java.util.HashMap<>();
        change.put("a.service", null);
        change.put("b.service", "changed");
        registry().publishWaitReasons(change);
        assertEquals(Map.of("b.service", "changed"), otherClient().waitReasons());
    }

    @Test
    default void unitStatesAreSortedAndRemovable() {
        MachinePresence p1 = registry().join(machine(machineId(1), "", Map.of()), "host1", ttl());
        MachinePresence p2 = otherClient().join(machine(machineId(2), "", Map.of()), "host2", ttl());
        UnitState b1 = new UnitState("b.service", machineId(1), "h1", "loaded", "active", "running", TargetState.LAUNCHED);
        UnitState a2 = new UnitState("a.service", machineId(2), "h2", "loaded", "inactive", "dead", TargetState.LOADED);
        UnitState a1 = new UnitState("a.service", machineId(1), "h2", "loaded", "active", "running", TargetState.LAUNCHED);
        registry().publishUnitState(p1, b1);
        otherClient().publishUnitState(p2, a2);
        registry().publishUnitState(p1, a1);
        assertEquals(List.of(a1, a2, b1), registry().unitStates());

        UnitState a1Failed = new UnitState("a.service", machineId(1), "h2", "loaded", "failed", "failed", TargetState.LAUNCHED);
        registry().publishUnitState(p1, a1Failed);
        registry().removeUnitState(p1, "b.service");
        assertEquals(List.of(a1Failed, a2), registry().unitStates());
        assertThrows(IllegalArgumentException.class, () -> registry().publishUnitState(p1, a2));
    }

    @Test
    default void manyUnitStatesArePublishedTogetherUnderTheMachinesLease() {
        MachinePresence p1 = registry().join(machine(machineId(1), "", Map.of()), "host1", ttl());
        List<UnitState> states = new java.util.ArrayList<>();
        // more than one etcd transaction holds (the etcd registry writes 100 a transaction)
        for (int i = 0; i < 250; i++) {
            states.add(new UnitState(String.format("u%03d.service", i), machineId(1), "h", "loaded", "active", "running",
                    TargetState.LAUNCHED));
        }
        registry().publishUnitStates(p1, states);
        assertEquals(states, otherClient().unitStates());

        UnitState foreign = new UnitState("x.service", machineId(2), "h", "loaded", "active", "running", TargetState.LAUNCHED);
        assertThrows(IllegalArgumentException.class, () -> registry().publishUnitStates(p1, List.of(states.get(0), foreign)));

        loseLease(p1);
        await().atMost(patience()).until(() -> registry().unitStates().isEmpty());
    }

    @Test
    default void aLostLeaseIsReplacedAndUnitStatesMustBePublishedAgain() {
        MachinePresence p = registry().join(machine(machineId(1), "10.0.0.1", Map.of()), "host1", ttl());
        PresenceEvents events = new PresenceEvents();
        p.addListener(events);
        registry().setMachineMetadata(machineId(1), "rack", "r1");
        registry().publishUnitState(p, new UnitState("a.service", machineId(1), "h", "loaded", "active", "running", TargetState.LAUNCHED));

        loseLease(p);

        await().atMost(patience()).until(() -> events.events.contains("rejoined"));
        assertEquals(List.of("suspended", "rejoined"), events.events);
        assertTrue(p.isAlive());
        assertEquals(List.of(machine(machineId(1), "10.0.0.1", Map.of("rack", "r1"))), registry().machines());
        assertEquals(List.of(), registry().unitStates());
        UnitState again = new UnitState("a.service", machineId(1), "h", "loaded", "active", "running", TargetState.LAUNCHED);
        registry().publishUnitState(p, again);
        assertEquals(List.of(again), registry().unitStates());
    }
}
