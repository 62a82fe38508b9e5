package org.fleetj.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Registry} must show, run against each implementation (in memory and on a real
 * etcd). Subclasses provide a fresh, empty store per test and the means to simulate failures.
 */
public abstract class RegistryContract {

    /** The client under test, on an empty store. */
    protected abstract Registry registry();

    /** Another client of the same store, as another fleetd would have. Closed by the subclass. */
    protected abstract Registry otherClient();

    /** The fleetd owning {@code presence} (through {@code client}) dies suddenly: no revoke, keepalive stops. */
    protected abstract void crash(Registry client, MachinePresence presence);

    /** The engine candidate {@code latch} (of {@code client}) dies suddenly: no resign, keepalive stops. */
    protected abstract void crash(Registry client, LeaderLatch latch);

    /** The store loses the presence's lease while its fleetd lives on (as after a long partition). */
    protected abstract void loseLease(MachinePresence presence);

    /** The store becomes unreachable for every client. */
    protected abstract void startOutage();

    /** The store is reachable again (same data). */
    protected abstract void endOutage();

    /** The lease ttl used for presences and leaders in these tests. */
    protected Duration ttl() {
        return Duration.ofSeconds(2);
    }

    /** How long asynchronous effects (callbacks, expiry after a crash) may take. */
    protected Duration patience() {
        return ttl().multipliedBy(4);
    }

    /**
     * The watch delivery window: how long a change takes at most to reach a watch callback when nothing is
     * wrong (etcd: a watch event over gRPC plus the coalescing notifier's hop). "Nothing happens" checks watch
     * for this long.
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(300);
    }

    /** How long a crashed fleetd's lease lives on (real stores: its ttl, and etcd's one-second granularity). */
    protected Duration crashedLeaseExpiry() {
        return ttl().plusSeconds(1);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * Checks that {@code counter} stays at {@code expected} for the watch delivery window ({@link #quietPeriod()}):
     * a wake that was going to come would have come by then.
     */
    protected void staysAtForTheWatchDeliveryWindow(AtomicInteger counter, int expected, String what) {
        await(what).during(quietPeriod()).atMost(quietPeriod().plus(patience()))
                .until(() -> counter.get() == expected);
    }

    /**
     * Waits until {@code counter} has stopped moving: unchanged over one watch delivery window, so the wakes a
     * change caused (one or, coalesced, a few) have all arrived. Returns the settled value.
     */
    protected int settled(AtomicInteger counter) {
        AtomicInteger seen = new AtomicInteger(-1);
        await("wakes settle").pollInterval(quietPeriod()).atMost(patience())
                .until(() -> seen.getAndSet(counter.get()) == counter.get());
        return counter.get();
    }

    protected static UnitFile unit(String text) {
        try {
            return UnitFile.parse(text);
        } catch (UnitParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    protected static UnitFile service(String command) {
        return unit("[Unit]\nDescription=test " + command + "\n\n[Service]\nExecStart=" + command + "\n");
    }

    protected static UnitFile globalService(String command) {
        return unit("[Service]\nExecStart=" + command + "\n\n[X-Fleet]\nGlobal=true\n");
    }

    protected static MachineState machine(String id, String ip, Map<String, String> metadata) {
        return new MachineState(id, ip, metadata, "0.1.0");
    }

    protected static String machineId(int n) {
        return String.format("%032x", n);
    }

    protected final Leadership leadOnce(Registry registry, String machineId) {
        LeaderLatch latch = registry.leaderLatch(machineId, ttl());
        latch.start();
        await().atMost(patience()).until(() -> latch.leadership().isPresent());
        return latch.leadership().orElseThrow();
    }

    /** Records presence callbacks. */
    protected static final class PresenceEvents implements MachinePresence.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void suspended() {
            events.add("suspended");
        }

        @Override
        public void rejoined() {
            events.add("rejoined");
        }
    }

    // ---- unit files and jobs -----------------------------------------------------------------

    @Test
    void createdJobIsStoredWithItsUnitFileByHash() {
        UnitFile file = service("/bin/sleep 1000");
        registry().createJob("hello.service", file, TargetState.LAUNCHED);

        Job job = registry().job("hello.service").orElseThrow();
        assertEquals("hello.service", job.name());
        assertEquals(file, job.unit());
        assertEquals(TargetState.LAUNCHED, job.desiredState());
        assertEquals(Optional.empty(), job.targetMachine());
        assertEquals(Optional.of(file), registry().unitFile(file.hash().hex()));
        assertEquals(Optional.empty(), registry().unitFile("0000000000000000000000000000000000000000"));
        assertEquals(Optional.empty(), registry().job("other.service"));
    }

    @Test
    void unitFilesAreReadManyAtOnceLeavingOutUnknownHashes() {
        UnitFile a = service("/bin/a");
        UnitFile b = service("/bin/b");
        otherClient().createJob("a.service", a, TargetState.LAUNCHED);
        otherClient().createJob("b.service", b, TargetState.LAUNCHED);
        String unknown = "0000000000000000000000000000000000000000";
        assertEquals(Map.of(a.hash().hex(), a, b.hash().hex(), b),
                registry().unitFiles(List.of(a.hash().hex(), unknown, b.hash().hex(), a.hash().hex())));
        assertEquals(Map.of(), registry().unitFiles(List.of()));
        assertEquals(Map.of(), registry().unitFiles(List.of(unknown, "bad/hash")));
    }

    @Test
    void creatingAnExistingJobFailsAndKeepsTheOriginal() {
        registry().createJob("a.service", service("/bin/true"), TargetState.INACTIVE);
        UnitExistsException e = assertThrows(UnitExistsException.class,
                () -> registry().createJob("a.service", service("/bin/false"), TargetState.LAUNCHED));
        assertTrue(e.getMessage().contains("a.service"), e.getMessage());
        assertEquals(service("/bin/true"), registry().job("a.service").orElseThrow().unit());
        assertEquals(TargetState.INACTIVE, registry().job("a.service").orElseThrow().desiredState());
    }

    @Test
    void identicalUnitsShareOneBody() {
        registry().createJob("a.service", service("/bin/true"), TargetState.INACTIVE);
        registry().createJob("b.service", service("/bin/true"), TargetState.LOADED);
        assertEquals(registry().job("a.service").orElseThrow().unitHash(), registry().job("b.service").orElseThrow().unitHash());
        assertTrue(registry().destroyJob("a.service"));
        assertEquals(service("/bin/true"), registry().job("b.service").orElseThrow().unit());
    }

    @Test
    void replaceChangesTheFileAndKeepsThePlacement() {
        registry().createJob("a.service", service("/bin/true"), TargetState.LAUNCHED);
        Leadership leader = leadOnce(registry(), machineId(1));
        registry().applySchedule(leader, List.of(ScheduleChange.assign("a.service", machineId(1),
                service("/bin/true").hash().hex(), TargetState.LAUNCHED, "test")));

        registry().replaceJob("a.service", service("/bin/false"), TargetState.LOADED);

        Job job = registry().job("a.service").orElseThrow();
        assertEquals(service("/bin/false"), job.unit());
        assertEquals(TargetState.LOADED, job.desiredState());
        assertEquals(Optional.of(machineId(1)), job.targetMachine());
        assertThrows(NoSuchUnitException.class, () -> registry().replaceJob("missing.service", service("/bin/true"), TargetState.LOADED));
    }

    @Test
    void desiredStateChangesOnlyExistingJobs() {
        registry().createJob("a.service", service("/bin/true"), TargetState.INACTIVE);
        assertTrue(registry().setDesiredState("a.service", TargetState.LAUNCHED));
        assertEquals(TargetState.LAUNCHED, registry().job("a.service").orElseThrow().desiredState());
        assertFalse(registry().setDesiredState("missing.service", TargetState.LAUNCHED));
        assertEquals(List.of("a.service"), registry().jobs().stream().map(Job::name).toList());
    }

    @Test
    void destroyRemovesTheJobAndLeavesItsScheduleToTheEngine() {
        registry().createJob("a.service", service("/bin/true"), TargetState.LAUNCHED);
        Leadership leader = leadOnce(registry(), machineId(1));
        String hash = service("/bin/true").hash().hex();
        registry().applySchedule(leader, List.of(ScheduleChange.assign("a.service", machineId(1), hash, TargetState.LAUNCHED, "test")));

        assertTrue(registry().destroyJob("a.service"));
        assertFalse(registry().destroyJob("a.service"));
        assertEquals(Optional.empty(), registry().job("a.service"));
        assertEquals(List.of(), registry().jobs());
        // the orphaned entry is visible to the engine, which removes it
        assertEquals(Map.of(machineId(1), List.of(new ScheduledUnit("a.service", hash, TargetState.LAUNCHED))), registry().schedule());
        registry().applySchedule(leader, List.of(ScheduleChange.unassign("a.service", machineId(1), "job destroyed")));
        assertEquals(Map.of(), registry().schedule());
    }

    @Test
    void jobsAreSortedByNameWithTheirPlacement() {
        registry().createJob("c.service", service("/bin/c"), TargetState.LAUNCHED);
        registry().createJob("a.service", service("/bin/a"), TargetState.LOADED);
        registry().createJob("b.service", service("/bin/b"), TargetState.INACTIVE);
        Leadership leader = leadOnce(registry(), machineId(1));
        registry().applySchedule(leader, List.of(
                ScheduleChange.assign("a.service", machineId(2), service("/bin/a").hash().hex(), TargetState.LOADED, "test"),
                ScheduleChange.assign("c.service", machineId(1), service("/bin/c").hash().hex(), TargetState.LAUNCHED, "test")));

        List<Job> jobs = registry().jobs();
        assertEquals(List.of("a.service", "b.service", "c.service"), jobs.stream().map(Job::name).toList());
        assertEquals(List.of(Optional.of(machineId(2)), Optional.empty(), Optional.of(machineId(1))),
                jobs.stream().map(Job::targetMachine).toList());
        assertEquals(List.of(service("/bin/a"), service("/bin/b"), service("/bin/c")), jobs.stream().map(Job::unit).toList());
        assertEquals(List.of(new ScheduledUnit("c.service", service("/bin/c").hash().hex(), TargetState.LAUNCHED)),
                registry().scheduleOf(machineId(1)));
        assertEquals(List.of(), registry().scheduleOf(machineId(3)));
    }

    @Test
    void globalJobsAreIndexedAndFollowReplace() {
        registry().createJob("g.service", globalService("/bin/g"), TargetState.LAUNCHED);
        registry().createJob("n.service", service("/bin/n"), TargetState.LAUNCHED);
        assertEquals(List.of("g.service"), registry().globalJobs().stream().map(Job::name).toList());
        Job g = registry().globalJobs().get(0);
        assertEquals(globalService("/bin/g"), g.unit());
        assertEquals(TargetState.LAUNCHED, g.desiredState());

        registry().setDesiredState("g.service", TargetState.LOADED);
        assertEquals(TargetState.LOADED, registry().globalJobs().get(0).desiredState());

        registry().replaceJob("g.service", service("/bin/g"), TargetState.LOADED);
        assertEquals(List.of(), registry().globalJobs());
        registry().replaceJob("n.service", globalService("/bin/n"), TargetState.LAUNCHED);
        assertEquals(List.of("n.service"), registry().globalJobs().stream().map(Job::name).toList());
        assertTrue(registry().destroyJob("n.service"));
        assertEquals(List.of(), registry().globalJobs());
    }

    @Test
    void badNamesAreRejectedWithAMessageNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry().createJob("a/b.service", service("/bin/true"), TargetState.LAUNCHED));
        assertTrue(e.getMessage().contains("a/b.service"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry().setMachineMetadata("", "k", "v"));
        assertThrows(IllegalArgumentException.class, () -> registry().join(machine("bad id", "", Map.of()), "h", ttl()));
    }

    // ---- machines -------------------------------------------------------------------------

    @Test
    void joinedMachineIsListedUntilItLeaves() {
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
    void presenceUpdateChangesTheAnnouncement() {
        MachinePresence p = registry().join(machine(machineId(1), "10.0.0.1", Map.of("a", "1")), "host1", ttl());
        p.update(machine(machineId(1), "10.0.0.9", Map.of("a", "2")));
        assertEquals(List.of(machine(machineId(1), "10.0.0.9", Map.of("a", "2"))), registry().machines());
        assertThrows(IllegalArgumentException.class, () -> p.update(machine(machineId(2), "", Map.of())));
    }

    @Test
    void crashedMachineExpiresWithItsUnitStates() {
        Registry other = otherClient();
        MachinePresence p = other.join(machine(machineId(1), "10.0.0.1", Map.of()), "host1", ttl());
        other.publishUnitState(p, new UnitState("a.service", machineId(1), "h", "loaded", "active", "running", TargetState.LAUNCHED));
        assertEquals(1, registry().unitStates().size());

        crash(other, p);

        await().atMost(patience()).until(() -> registry().machines().isEmpty());
        assertEquals(List.of(), registry().unitStates());
    }

    @Test
    void aSecondMachineWithTheSameIdIsRefused() {
        registry().join(machine(machineId(1), "10.0.0.1", Map.of()), "host1", ttl());
        DuplicateMachineException e = assertThrows(DuplicateMachineException.class,
                () -> otherClient().join(machine(machineId(1), "10.0.0.2", Map.of()), "host2", ttl()));
        assertTrue(e.getMessage().contains(machineId(1)) && e.getMessage().contains("host1"), e.getMessage());
        assertEquals(List.of(machine(machineId(1), "10.0.0.1", Map.of())), registry().machines());
    }

    @Test
    void aRestartOnTheSameHostTakesTheRegistrationOver() {
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
    void dynamicMetadataMergesAndSurvivesLeavingAndRejoining() {
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
    void capacityIsAnnouncedAndAvailabilitySurvivesLeavingAndRejoiningAndWakesTheWatches() {
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
    void waitReasonsArePublishedChangedAndRemoved() {
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
    void unitStatesAreSortedAndRemovable() {
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
    void aLostLeaseIsReplacedAndUnitStatesMustBePublishedAgain() {
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

    // ---- leadership and fencing ---------------------------------------------------------

    @Test
    void exactlyOneCandidateLeadsAndTheOtherTakesOverWhenItResigns() {
        LeaderLatch first = registry().leaderLatch(machineId(1), ttl());
        LeaderLatch second = otherClient().leaderLatch(machineId(2), ttl());
        AtomicReference<Leadership> secondHeard = new AtomicReference<>();
        second.addListener(new LeaderLatch.Listener() {
            @Override
            public void isLeader(Leadership leadership) {
                secondHeard.set(leadership);
            }

            @Override
            public void notLeader() {
            }
        });
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        second.start();
        await("a second candidate stays a follower").during(quietPeriod()).atMost(quietPeriod().plus(patience()))
                .until(() -> second.leadership().isEmpty());
        assertEquals(Optional.of(machineId(1)), registry().engineLeader());

        first.close();

        await().atMost(patience()).until(() -> second.leadership().isPresent());
        assertTrue(first.leadership().isEmpty());
        assertEquals(Optional.of(machineId(2)), registry().engineLeader());
        await().atMost(patience()).until(() -> secondHeard.get() != null);
        assertEquals(second.leadership().orElseThrow(), secondHeard.get());
        second.close();
        await().atMost(patience()).until(() -> registry().engineLeader().isEmpty());
    }

    @Test
    void anotherCandidateTakesOverWhenTheLeaderDies() {
        Registry other = otherClient();
        LeaderLatch first = other.leaderLatch(machineId(1), ttl());
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        LeaderLatch second = registry().leaderLatch(machineId(2), ttl());
        second.start();

        crash(other, first);

        await().atMost(patience()).until(() -> second.leadership().isPresent());
        assertEquals(Optional.of(machineId(2)), registry().engineLeader());
        assertNotEquals(first.leadership().map(Leadership::token), second.leadership().map(Leadership::token));
    }

    @Test
    void aDeposedLeaderCannotWriteTheSchedule() {
        LeaderLatch first = registry().leaderLatch(machineId(1), ttl());
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        Leadership stale = first.leadership().orElseThrow();
        String hash = service("/bin/true").hash().hex();
        registry().applySchedule(stale, List.of(ScheduleChange.assign("a.service", machineId(1), hash, TargetState.LAUNCHED, "first")));

        LeaderLatch second = otherClient().leaderLatch(machineId(2), ttl());
        second.start();
        first.close();
        await().atMost(patience()).until(() -> second.leadership().isPresent());

        LeadershipLostException e = assertThrows(LeadershipLostException.class, () -> registry().applySchedule(stale, List.of(
                ScheduleChange.unassign("a.service", machineId(1), "stale"),
                ScheduleChange.assign("a.service", machineId(3), hash, TargetState.LAUNCHED, "stale"))));
        assertTrue(e.getMessage().contains(machineId(1)), e.getMessage());
        assertEquals(Map.of(machineId(1), List.of(new ScheduledUnit("a.service", hash, TargetState.LAUNCHED))), registry().schedule());

        // a forged token does not pass either
        Leadership current = second.leadership().orElseThrow();
        assertThrows(LeadershipLostException.class, () -> registry().applySchedule(
                new Leadership(current.machineId(), current.token() + 1000), List.of(ScheduleChange.unassign("a.service", machineId(1), "forged"))));
        assertThrows(LeadershipLostException.class, () -> registry().applySchedule(
                new Leadership(machineId(1), current.token()), List.of(ScheduleChange.unassign("a.service", machineId(1), "forged"))));
        registry().applySchedule(current, List.of(ScheduleChange.unassign("a.service", machineId(1), "current leader")));
        assertEquals(Map.of(), registry().schedule());
    }

    // ---- job results (beyond fleet) ------------------------------------------------------------

    @Test
    void jobResultsRoundTripAndGoWithTheirJob() {
        UnitFile file = service("/bin/true");
        registry().createJob("backup.service", file, TargetState.LAUNCHED);
        assertEquals(Map.of(), registry().jobResults());
        assertEquals(Optional.empty(), registry().jobResult("backup.service"));
        java.time.Instant at = java.time.Instant.ofEpochMilli(1_700_000_000_123L);
        JobResult r = new JobResult("backup.service", file.hash().hex(), machineId(2), false, 3, "exited", "exit-code",
                at.minusSeconds(4), at);
        assertTrue(registry().putJobResult(r));
        assertEquals(Map.of("backup.service", r), otherClient().jobResults());
        assertEquals(Optional.of(r), otherClient().jobResult("backup.service"));
        assertTrue(r.isFor(registry().job("backup.service").orElseThrow()));
        registry().replaceJob("backup.service", service("/bin/false"), TargetState.LAUNCHED);
        assertFalse(r.isFor(registry().job("backup.service").orElseThrow()), "a result counts for the file that ran");

        assertTrue(registry().destroyJob("backup.service"));
        assertEquals(Map.of(), otherClient().jobResults());
        assertFalse(registry().putJobResult(r), "no result is written for a job that is gone");
        assertEquals(Optional.empty(), registry().jobResult("backup.service"));
    }

    // ---- failure records (beyond fleet) ------------------------------------------------------

    @Test
    void failureRecordsRoundTripAndAreSeenByOtherClients() {
        Leadership leader = leadOnce(registry(), machineId(1));
        assertEquals(Map.of(), registry().unitFailures());
        java.time.Instant at = java.time.Instant.ofEpochMilli(1_700_000_000_123L);
        UnitFailures f = new UnitFailures("a@1.service", 3, List.of(at.minusSeconds(5), at), at, machineId(2), "failed/failed",
                List.of(machineId(3)));
        registry().putUnitFailures(leader, f);
        assertEquals(Map.of("a@1.service", f), otherClient().unitFailures());
        UnitFailures later = new UnitFailures("a@1.service", 4, List.of(), at.plusSeconds(1), machineId(3), "failed/failed", List.of());
        registry().putUnitFailures(leader, later);
        assertEquals(Map.of("a@1.service", later), registry().unitFailures());
        registry().removeUnitFailures(leader, "a@1.service");
        assertEquals(Map.of(), otherClient().unitFailures());
    }

    @Test
    void aDeposedLeaderCannotWriteFailureRecords() {
        LeaderLatch first = registry().leaderLatch(machineId(1), ttl());
        first.start();
        await().atMost(patience()).until(() -> first.leadership().isPresent());
        Leadership stale = first.leadership().orElseThrow();
        LeaderLatch second = otherClient().leaderLatch(machineId(2), ttl());
        second.start();
        first.close();
        await().atMost(patience()).until(() -> second.leadership().isPresent());
        UnitFailures f = new UnitFailures("a.service", 1, List.of(), java.time.Instant.EPOCH, machineId(1), "failed/failed", List.of());
        LeadershipLostException e = assertThrows(LeadershipLostException.class, () -> registry().putUnitFailures(stale, f));
        assertTrue(e.getMessage().contains("failure record of a.service"), e.getMessage());
        assertEquals(Map.of(), registry().unitFailures());
        registry().putUnitFailures(second.leadership().orElseThrow(), f);
        assertThrows(LeadershipLostException.class, () -> registry().removeUnitFailures(stale, "a.service"));
        assertEquals(Map.of("a.service", f), registry().unitFailures());
    }

    // ---- watches ----------------------------------------------------------------------------

    @Test
    void aScheduleWatchWakesOnlyForItsOwnMachine() {
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
    void theGlobalWatchWakesForGlobalJobsOnly() {
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
    void theClusterWatchWakesForJobsMachinesAndMetadataButNotForStatesOrTheSchedule() {
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

    // ---- outage ------------------------------------------------------------------------------

    @Test
    void anOutageFailsCallsSuspendsPresenceAndEverythingResumesAfterIt() {
        MachinePresence p = registry().join(machine(machineId(1), "10.0.0.1", Map.of()), "host1", ttl());
        PresenceEvents events = new PresenceEvents();
        p.addListener(events);
        AtomicInteger scheduleWakes = new AtomicInteger();
        registry().watchSchedule(machineId(1), scheduleWakes::incrementAndGet);
        AtomicInteger clusterWakes = new AtomicInteger();
        registry().watchCluster(clusterWakes::incrementAndGet);
        registry().createJob("a.service", service("/bin/a"), TargetState.LAUNCHED);
        await().atMost(patience()).until(() -> clusterWakes.get() >= 1);

        startOutage();
        try {
            long start = System.nanoTime();
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> registry().jobs());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(patience()) < 0, "failure took too long");
            assertFalse(e.getMessage().isBlank());
            assertThrows(RegistryUnavailableException.class,
                    () -> registry().createJob("b.service", service("/bin/b"), TargetState.LAUNCHED));
            await().atMost(patience()).until(() -> events.events.contains("suspended"));
            assertFalse(p.isAlive());
        } finally {
            endOutage();
        }
        await().atMost(patience().multipliedBy(2)).until(() -> events.events.contains("rejoined"));
        await().atMost(patience()).until(p::isAlive);
        assertEquals(List.of(machineId(1)), registry().machines().stream().map(MachineState::id).toList());

        // watches work again: a new decision wakes the agent
        int wakesBefore = scheduleWakes.get();
        Leadership leader = leadOnce(otherClient(), machineId(2));
        otherClient().applySchedule(leader, List.of(ScheduleChange.assign("a.service", machineId(1),
                service("/bin/a").hash().hex(), TargetState.LAUNCHED, "after outage")));
        await().atMost(patience()).until(() -> scheduleWakes.get() > wakesBefore);
        assertEquals(1, registry().scheduleOf(machineId(1)).size());
        assertTrue(registry().metrics().totalFailures() > 0);
    }
}
