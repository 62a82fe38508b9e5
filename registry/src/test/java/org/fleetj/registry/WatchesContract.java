package org.fleetj.registry;

import static org.awaitility.Awaitility.await;
import static org.fleetj.registry.RegistryTestData.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * The registry contract for watches: which changes wake which watch (see {@link RegistryContract}).
 */
public interface WatchesContract extends RegistryFixture {

    @Test
    default void aScheduleWatchWakesOnlyForItsOwnMachine() {
        AtomicInteger m1Wakes = new AtomicInteger();
        Subscription s = registry().watchSchedule(machineId(1), m1Wakes::incrementAndGet);
        Leadership leader = leadOnce(otherClient(), machineId(9));
        String hash = service("/bin/true").hash().hex();
        int initial = settled(m1Wakes);

        otherClient().applySchedule(leader, List.of(ScheduleChange.assign("a.service", machineId(2), hash, TargetState.LAUNCHED, "m2")));
        otherClient().createJob("x.service", service("/bin/x"), TargetState.LAUNCHED);
        staysAtForTheWatchDeliveryWindow(m1Wakes, initial, "another machine's schedule and a job do not wake m1");

        otherClient().applySchedule(leader, List.of(ScheduleChange.assign("b.service", machineId(1), hash, TargetState.LAUNCHED, "m1")));
        await().atMost(patience()).until(() -> m1Wakes.get() > initial);
        assertEquals(List.of(new ScheduledUnit("b.service", hash, TargetState.LAUNCHED)), registry().scheduleOf(machineId(1)));

        s.close();
        int before = settled(m1Wakes);
        otherClient().applySchedule(leader, List.of(ScheduleChange.unassign("b.service", machineId(1), "m1")));
        staysAtForTheWatchDeliveryWindow(m1Wakes, before, "a closed watch does not wake");
    }

    @Test
    default void theGlobalWatchWakesForGlobalJobsOnly() {
        AtomicInteger wakes = new AtomicInteger();
        registry().watchGlobalJobs(wakes::incrementAndGet);
        otherClient().createJob("n.service", service("/bin/n"), TargetState.LAUNCHED);
        otherClient().setDesiredState("n.service", TargetState.LOADED);
        staysAtForTheWatchDeliveryWindow(wakes, 0, "a non-global job does not wake the global watch");

        otherClient().createJob("g.service", globalService("/bin/g"), TargetState.LOADED);
        await().atMost(patience()).until(() -> wakes.get() >= 1);
        int afterCreate = settled(wakes);

        otherClient().setDesiredState("g.service", TargetState.LAUNCHED);
        await().atMost(patience()).until(() -> wakes.get() > afterCreate);
        int afterStart = settled(wakes);

        otherClient().destroyJob("g.service");
        await().atMost(patience()).until(() -> wakes.get() > afterStart);
        assertEquals(List.of(), registry().globalJobs());
        int afterDestroy = settled(wakes);

        // which global units a machine runs depends on its metadata: a change made through the API wakes it too
        otherClient().setMachineMetadata("0123456789abcdef0123456789abcdef", "disk", "ssd");
        await().atMost(patience()).until(() -> wakes.get() > afterDestroy);
    }

    @Test
    default void theClusterWatchWakesForJobsMachinesAndMetadataButNotForStatesOrTheSchedule() {
        AtomicInteger wakes = new AtomicInteger();
        registry().watchCluster(wakes::incrementAndGet);

        otherClient().createJob("a.service", service("/bin/a"), TargetState.LAUNCHED);
        await().atMost(patience()).until(() -> wakes.get() >= 1);

        int before = settled(wakes);
        MachinePresence p = otherClient().join(machine(machineId(1), "", Map.of()), "host1", ttl());
        await().atMost(patience()).until(() -> wakes.get() > before);

        int beforeDesired = settled(wakes);
        otherClient().setDesiredState("a.service", TargetState.LOADED);
        await().atMost(patience()).until(() -> wakes.get() > beforeDesired);

        int beforeMeta = settled(wakes);
        otherClient().setMachineMetadata(machineId(1), "disk", "ssd");
        await().atMost(patience()).until(() -> wakes.get() > beforeMeta);

        // what agents publish and what the engine itself writes do not wake the engine
        int quiet = settled(wakes);
        otherClient().publishUnitState(p, new UnitState("a.service", machineId(1), "h", "loaded", "active", "running", TargetState.LAUNCHED));
        Leadership leader = leadOnce(otherClient(), machineId(2));
        otherClient().applySchedule(leader, List.of(ScheduleChange.assign("a.service", machineId(1),
                service("/bin/a").hash().hex(), TargetState.LAUNCHED, "test")));
        otherClient().removeUnitState(p, "a.service");
        staysAtForTheWatchDeliveryWindow(wakes, quiet, "unit states and the schedule must not wake the cluster watch");

        int beforeDestroy = wakes.get();
        otherClient().destroyJob("a.service");
        await().atMost(patience()).until(() -> wakes.get() > beforeDestroy);
    }
}
