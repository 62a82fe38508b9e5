package org.fleetj.registry;

import static org.fleetj.registry.RegistryTestData.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/**
 * The registry contract for unit files and jobs (see {@link RegistryContract}).
 */
public interface JobsContract extends RegistryFixture {

    @Test
    default void createdJobIsStoredWithItsUnitFileByHash() {
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
    default void unitFilesAreReadManyAtOnceLeavingOutUnknownHashes() {
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
    default void creatingAnExistingJobFailsAndKeepsTheOriginal() {
        registry().createJob("a.service", service("/bin/true"), TargetState.INACTIVE);
        UnitExistsException e = assertThrows(UnitExistsException.class,
                () -> registry().createJob("a.service", service("/bin/false"), TargetState.LAUNCHED));
        assertTrue(e.getMessage().contains("a.service"), e.getMessage());
        assertEquals(service("/bin/true"), registry().job("a.service").orElseThrow().unit());
        assertEquals(TargetState.INACTIVE, registry().job("a.service").orElseThrow().desiredState());
    }

    @Test
    default void identicalUnitsShareOneBody() {
        registry().createJob("a.service", service("/bin/true"), TargetState.INACTIVE);
        registry().createJob("b.service", service("/bin/true"), TargetState.LOADED);
        assertEquals(registry().job("a.service").orElseThrow().unitHash(), registry().job("b.service").orElseThrow().unitHash());
        assertTrue(registry().destroyJob("a.service"));
        assertEquals(service("/bin/true"), registry().job("b.service").orElseThrow().unit());
    }

    @Test
    default void replaceChangesTheFileAndKeepsThePlacement() {
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
    default void desiredStateChangesOnlyExistingJobs() {
        registry().createJob("a.service", service("/bin/true"), TargetState.INACTIVE);
        assertTrue(registry().setDesiredState("a.service", TargetState.LAUNCHED));
        assertEquals(TargetState.LAUNCHED, registry().job("a.service").orElseThrow().desiredState());
        assertFalse(registry().setDesiredState("missing.service", TargetState.LAUNCHED));
        assertEquals(List.of("a.service"), registry().jobs().stream().map(Job::name).toList());
    }

    /**
     * fleetctl sends a start's desired-state writes 32 at a time, and etcd commits concurrent ones in one transaction:
     * each write is still answered as if it had been alone (written, or false for a unit that does not exist), and
     * each unit, global ones with their index entry, ends in the state its own write asked for.
     */
    @Test
    default void concurrentDesiredStateWritesAreEachAnsweredOnTheirOwn() throws Exception {
        int units = 60;
        for (int i = 0; i < units; i++) registry().createJob("c" + i + ".service", service("/bin/c " + i), TargetState.INACTIVE);
        registry().createJob("g.service", globalService("/bin/g"), TargetState.INACTIVE);
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < units; i++) {
            names.add("c" + i + ".service");
            if (i % 10 == 0) names.add("missing" + i + ".service");
        }
        names.add("g.service");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(32);
        try {
            Map<String, java.util.concurrent.Future<Boolean>> answers = new java.util.LinkedHashMap<>();
            for (String name : names) {
                TargetState want = name.hashCode() % 2 == 0 ? TargetState.LAUNCHED : TargetState.LOADED;
                answers.put(name, pool.submit(() -> registry().setDesiredState(name, want)));
            }
            for (Map.Entry<String, java.util.concurrent.Future<Boolean>> a : answers.entrySet()) {
                assertEquals(!a.getKey().startsWith("missing"), a.getValue().get(), a.getKey());
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Job> jobs = new java.util.HashMap<>();
        registry().jobs().forEach(j -> jobs.put(j.name(), j));
        assertEquals(units + 1, jobs.size(), "no write created a unit: " + jobs.keySet());
        for (String name : names) {
            if (name.startsWith("missing")) continue;
            TargetState want = name.hashCode() % 2 == 0 ? TargetState.LAUNCHED : TargetState.LOADED;
            assertEquals(want, jobs.get(name).desiredState(), name);
        }
        assertEquals(jobs.get("g.service").desiredState(), registry().globalJobs().get(0).desiredState(), "the global index follows");
    }

    /**
     * Creates sent together (fleetctl creates 32 units at a time; etcd commits concurrent ones in one transaction) are
     * each answered on their own: a unit that exists refuses only its own create, two creates of one name make one
     * unit and one refusal, and units sharing one unit file (template instances) all find it.
     */
    @Test
    default void concurrentCreatesAreEachAnsweredOnTheirOwn() throws Exception {
        registry().createJob("i5.service", service("/bin/other"), TargetState.LAUNCHED);
        UnitFile shared = service("/bin/instance");
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) names.add("i" + i + ".service");
        names.add("i7.service"); // twice: one of the two creates it
        names.add("g.service");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(32);
        List<java.util.concurrent.Future<Boolean>> answers = new java.util.ArrayList<>();
        try {
            for (String name : names) {
                UnitFile file = name.equals("g.service") ? globalService("/bin/g") : shared;
                answers.add(pool.submit(() -> {
                    try {
                        registry().createJob(name, file, TargetState.LOADED);
                        return true;
                    } catch (UnitExistsException e) {
                        return false;
                    }
                }));
            }
            int refused = 0;
            for (int i = 0; i < names.size(); i++) {
                boolean created = answers.get(i).get();
                if (!created) refused++;
                if (!names.get(i).equals("i5.service") && !names.get(i).equals("i7.service")) assertTrue(created, names.get(i));
            }
            assertFalse(answers.get(5).get(), "i5 existed: its create is refused");
            assertEquals(2, refused, "i5, and one of the two creates of i7");
        } finally {
            pool.shutdownNow();
        }
        Map<String, Job> jobs = new java.util.HashMap<>();
        registry().jobs().forEach(j -> jobs.put(j.name(), j));
        assertEquals(41, jobs.size());
        assertEquals(service("/bin/other"), jobs.get("i5.service").unit(), "the existing unit is untouched");
        assertEquals(TargetState.LAUNCHED, jobs.get("i5.service").desiredState());
        for (int i = 0; i < 40; i++) {
            if (i == 5) continue;
            assertEquals(shared, jobs.get("i" + i + ".service").unit());
            assertEquals(TargetState.LOADED, jobs.get("i" + i + ".service").desiredState());
        }
        assertEquals(List.of("g.service"), registry().globalJobs().stream().map(Job::name).toList());
    }

    /** Two writes to one unit sent together both succeed, one after the other: the unit ends in one of the two states. */
    @Test
    default void concurrentDesiredStateWritesToOneUnitAreAppliedOneAfterTheOther() throws Exception {
        registry().createJob("a.service", service("/bin/true"), TargetState.INACTIVE);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Boolean>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                TargetState want = i % 2 == 0 ? TargetState.LAUNCHED : TargetState.LOADED;
                answers.add(pool.submit(() -> registry().setDesiredState("a.service", want)));
            }
            for (java.util.concurrent.Future<Boolean> a : answers) assertTrue(a.get());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(List.of(TargetState.LAUNCHED, TargetState.LOADED).contains(registry().job("a.service").orElseThrow().desiredState()));
    }

    /** A desired-state write racing the unit's destroy never brings the unit back: it is answered false or applied before. */
    @Test
    default void desiredStateWritesRacingADestroyNeverBringTheUnitBack() throws Exception {
        int units = 20;
        for (int i = 0; i < units; i++) registry().createJob("d" + i + ".service", service("/bin/d " + i), TargetState.INACTIVE);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < units; i++) {
                String name = "d" + i + ".service";
                all.add(pool.submit(() -> registry().setDesiredState(name, TargetState.LAUNCHED)));
                all.add(pool.submit(() -> otherClient().destroyJob(name)));
            }
            for (java.util.concurrent.Future<?> f : all) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), registry().jobs(), "every unit destroyed stays destroyed");
        assertEquals(List.of(), registry().globalJobs());
    }

    @Test
    default void destroyRemovesTheJobAndLeavesItsScheduleToTheEngine() {
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
    default void jobsAreSortedByNameWithTheirPlacement() {
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
    default void aPageOfJobsIsReadByNameWithItsPlacement() {
        // "a.service.service" sorts after "a.service" by name, but its state key sorts before ("." < "/"): the
        // states of a page are read per unit, never as one key range
        List<String> names = new java.util.ArrayList<>(List.of("b.service", "a.service.service", "a.service", "c.service"));
        // more names than one etcd request may read (128 operations)
        for (int i = 0; i < 140; i++) names.add(String.format("n%03d.service", i));
        for (String name : names) otherClient().createJob(name, service("/bin/" + name), TargetState.LAUNCHED);
        Leadership leader = leadOnce(registry(), machineId(1));
        registry().applySchedule(leader, List.of(
                ScheduleChange.assign("a.service", machineId(2), service("/bin/a.service").hash().hex(), TargetState.LAUNCHED, "test")));

        List<String> sorted = names.stream().sorted().toList();
        assertEquals(sorted, registry().jobNames());
        assertEquals(registry().jobs(), registry().jobs(names, r -> { }));

        List<Job> page = registry().jobs(List.of("c.service", "a.service", "missing.service", "a.service", "bad/name"), r -> { });
        assertEquals(List.of("a.service", "c.service"), page.stream().map(Job::name).toList());
        assertEquals(List.of(Optional.of(machineId(2)), Optional.empty()), page.stream().map(Job::targetMachine).toList());
        assertEquals(service("/bin/c.service"), page.get(1).unit());
        assertEquals(List.of(), registry().jobs(List.of(), r -> { }));

        MachinePresence p1 = registry().join(machine(machineId(1), "", Map.of()), "host1", ttl());
        MachinePresence p2 = otherClient().join(machine(machineId(2), "", Map.of()), "host2", ttl());
        List<UnitState> on1 = new java.util.ArrayList<>();
        for (String name : names) {
            on1.add(new UnitState(name, machineId(1), "h", "loaded", "active", "running", TargetState.LAUNCHED));
        }
        registry().publishUnitStates(p1, on1);
        UnitState aOn2 = new UnitState("a.service", machineId(2), "h", "loaded", "inactive", "dead", TargetState.LOADED);
        otherClient().publishUnitState(p2, aOn2);
        UnitState a = on1.get(names.indexOf("a.service"));
        UnitState aa = on1.get(names.indexOf("a.service.service"));
        assertEquals(List.of(a, aOn2, aa), registry().unitStates(List.of("a.service.service", "a.service", "missing.service")));
        java.util.SortedMap<String, List<String>> machines = registry().unitStateMachines();
        assertEquals(sorted, List.copyOf(machines.keySet()));
        assertEquals(List.of(machineId(1), machineId(2)), machines.get("a.service"));
        assertEquals(List.of(machineId(1)), machines.get("a.service.service"));
        assertEquals(registry().unitStates(), registry().unitStates(names));
        assertEquals(List.of(), registry().unitStates(List.of()));
    }

    @Test
    default void globalJobsAreIndexedAndFollowReplace() {
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
    default void badNamesAreRejectedWithAMessageNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry().createJob("a/b.service", service("/bin/true"), TargetState.LAUNCHED));
        assertTrue(e.getMessage().contains("a/b.service"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry().setMachineMetadata("", "k", "v"));
        assertThrows(IllegalArgumentException.class, () -> registry().join(machine("bad id", "", Map.of()), "h", ttl()));
    }

    // ---- job results (beyond fleet) ------------------------------------------------------------

    @Test
    default void jobResultsRoundTripAndGoWithTheirJob() {
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
}
