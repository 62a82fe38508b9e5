package org.fleetj.fleetd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fleetj.registry.LeadershipLostException;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.registry.Registry;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.scheduler.Scheduler;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/** Engine logic against the in-memory registry (the etcd-backed path is proven on the local cluster). */
class EngineReconcilerTest extends EngineOnElectedRegistry {
    private static final String M3 = "33333333cccccccccccccccccccccccc";

    EngineReconcilerTest() {
        super(Scheduler.leastLoaded());
    }

    private MachinePresence join(String id, String meta) {
        Map<String, String> m = meta.isEmpty() ? Map.of() : Map.of(meta.split("=")[0], meta.split("=")[1]);
        return join(id, m);
    }

    private static UnitFile unit(String xfleet) throws Exception {
        return UnitFile.parse("[Service]\nExecStart=/bin/sleep 1000\n" + (xfleet.isEmpty() ? "" : "\n[X-Fleet]\n" + xfleet + "\n"));
    }

    @Test
    void launchedUnitIsAssignedWithItsDesiredStateAndHash() throws Exception {
        join(M1, "");
        UnitFile f = unit("");
        registry.createJob("hello.service", f, TargetState.LAUNCHED);
        List<ScheduleChange> changes = engine.reconcile(leadership);
        assertEquals(1, changes.size());
        assertEquals(List.of(new ScheduledUnit("hello.service", f.hash().hex(), TargetState.LAUNCHED)), registry.scheduleOf(M1));
        assertTrue(changes.get(0).reason().length() > 5, changes.get(0).reason());
        assertEquals(List.of(), engine.reconcile(leadership), "a second pass changes nothing");
    }

    @Test
    void inactiveUnitsAndTemplatesAreNotScheduled() throws Exception {
        join(M1, "");
        registry.createJob("a.service", unit(""), TargetState.INACTIVE);
        registry.createJob("tmpl@.service", unit(""), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertEquals(Map.of(), placement());
    }

    @Test
    void desiredStateChangeIsCopiedIntoTheScheduleEntry() throws Exception {
        join(M1, "");
        registry.createJob("a.service", unit(""), TargetState.LOADED);
        engine.reconcile(leadership);
        assertEquals(TargetState.LOADED, registry.scheduleOf(M1).get(0).desiredState());
        registry.setDesiredState("a.service", TargetState.LAUNCHED);
        List<ScheduleChange> changes = engine.reconcile(leadership);
        assertEquals("desired state is now launched", changes.get(0).reason());
        assertEquals(TargetState.LAUNCHED, registry.scheduleOf(M1).get(0).desiredState());
        registry.setDesiredState("a.service", TargetState.INACTIVE);
        engine.reconcile(leadership);
        assertEquals(List.of(), registry.scheduleOf(M1), "inactive units are unscheduled");
    }

    @Test
    void conflictsSpreadInstancesAndTheFourthWaits() throws Exception {
        join(M1, "");
        join(M2, "");
        join(M3, "");
        for (int i = 1; i <= 4; i++) {
            registry.createJob("helloworld@" + i + ".service", unit("Conflicts=helloworld@*.service"), TargetState.LAUNCHED);
        }
        engine.reconcile(leadership);
        Map<String, String> p = placement();
        assertEquals(3, p.size(), p.toString());
        assertEquals(3, Set.copyOf(p.values()).size(), "one instance per machine: " + p);
        assertTrue(engine.lastUnplacedReason("helloworld@4.service").isPresent());
    }

    @Test
    void unitsOfAMachineThatWentAwayArePlacedElsewhere() throws Exception {
        join(M1, "");
        join(M2, "");
        registry.createJob("a.service", unit(""), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        String first = placement().get("a.service");
        registry.expireMachine(first);
        engine.reconcile(leadership);
        String second = placement().get("a.service");
        assertNotEquals(first, second);
        assertEquals(1, registry.schedule().values().stream().mapToInt(List::size).sum(), "assigned exactly once");
    }

    @Test
    void destroyedUnitsLeaveTheSchedule() throws Exception {
        join(M1, "");
        registry.createJob("a.service", unit(""), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        registry.destroyJob("a.service");
        List<ScheduleChange> changes = engine.reconcile(leadership);
        assertEquals("unit was destroyed", changes.get(0).reason());
        assertEquals(Map.of(), placement());
    }

    @Test
    void replacedFileIsRefreshedInPlace() throws Exception {
        join(M1, "");
        join(M2, "");
        registry.createJob("a.service", unit(""), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        String where = placement().get("a.service");
        UnitFile v2 = UnitFile.parse("[Service]\nExecStart=/bin/sleep 2000\n");
        registry.replaceJob("a.service", v2, TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertEquals(where, placement().get("a.service"), "replace keeps the placement");
        assertEquals(v2.hash().hex(), registry.scheduleOf(where).get(0).unitHash());
    }

    @Test
    void metadataAndMachineOfAreHonoured() throws Exception {
        join(M1, "disk=hdd");
        join(M2, "disk=ssd");
        registry.createJob("db.service", unit("MachineMetadata=disk=ssd"), TargetState.LAUNCHED);
        registry.createJob("db-sidekick.service", unit("MachineOf=db.service"), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        engine.reconcile(leadership);
        assertEquals(Map.of("db.service", M2, "db-sidekick.service", M2), placement());
    }

    @Test
    void largePlansAreWrittenInBoundedTransactions() throws Exception {
        join(M1, "");
        join(M2, "");
        for (int i = 0; i < 250; i++) registry.createJob("u" + i + ".service", unit(""), TargetState.LAUNCHED);
        List<ScheduleChange> changes = engine.reconcile(leadership);
        assertEquals(250, changes.size());
        assertEquals(250, placement().size());
    }

    @Test
    void aDeposedEngineWritesNothing() throws Exception {
        join(M1, "");
        registry.createJob("a.service", unit(""), TargetState.LAUNCHED);
        registry.expireLeadership();
        assertThrows(LeadershipLostException.class, () -> engine.reconcile(leadership));
        assertEquals(Map.of(), placement());
    }

    @Test
    void aVanishedMachineKeepsItsUnitsForTheGracePeriodThenTheyMove() throws Exception {
        long[] now = {0};
        EngineReconciler graceful = new EngineReconciler(registry, Scheduler.leastLoaded(), EngineStats.NONE,
                Duration.ofSeconds(3), () -> now[0]);
        MachinePresence p1 = join(M1, "");
        join(M2, "");
        registry.createJob("a.service", unit(""), TargetState.LAUNCHED);
        registry.createJob("side.service", unit("MachineOf=a.service"), TargetState.LAUNCHED);
        graceful.reconcile(leadership);
        String home = placement().get("a.service");
        assertEquals(home, placement().get("side.service"));
        if (!home.equals(M1)) {
            // make sure the machine that vanishes is the one holding the units
            registry.expireMachine(M2);
            join(M2, "");
        }
        registry.expireMachine(placement().get("a.service"));

        assertEquals(List.of(), graceful.reconcile(leadership), "within the grace period nothing moves");
        assertEquals(home, placement().get("a.service"));
        assertEquals(Duration.ofSeconds(3), graceful.nextDeadline().orElseThrow());
        // a unit that must sit next to a unit of the missing machine waits too
        registry.createJob("late.service", unit("MachineOf=a.service"), TargetState.LAUNCHED);
        now[0] += Duration.ofSeconds(2).toNanos();
        assertEquals(List.of(), graceful.reconcile(leadership));
        assertEquals(Duration.ofSeconds(1), graceful.nextDeadline().orElseThrow());

        now[0] += Duration.ofSeconds(1).toNanos();
        List<ScheduleChange> moved = graceful.reconcile(leadership);
        assertTrue(moved.stream().anyMatch(c -> c.unit().equals("a.service") && c.kind() == ScheduleChange.Kind.ASSIGN), moved.toString());
        Map<String, String> after = placement();
        assertNotEquals(home, after.get("a.service"));
        assertEquals(after.get("a.service"), after.get("side.service"));
        assertEquals(after.get("a.service"), after.get("late.service"));
        p1.close();
    }

    @Test
    void theGraceClockRestartsWhenTheEngineCouldNotSee() throws Exception {
        long[] now = {0};
        EngineReconciler graceful = new EngineReconciler(registry, Scheduler.leastLoaded(), EngineStats.NONE,
                Duration.ofSeconds(3), () -> now[0]);
        join(M1, "");
        registry.createJob("a.service", unit("MachineID=" + M1), TargetState.LAUNCHED);
        graceful.reconcile(leadership);
        join(M2, "");
        registry.expireMachine(M1);
        graceful.reconcile(leadership);
        now[0] += Duration.ofSeconds(2).toNanos();
        // the engine loses sight of the registry (an outage): the missing machine's clock starts again after it
        registry.setUnavailable(true);
        assertThrows(RuntimeException.class, () -> graceful.reconcile(leadership));
        registry.setUnavailable(false);
        now[0] += Duration.ofSeconds(2).toNanos();
        assertEquals(List.of(), graceful.reconcile(leadership), "2 s after the engine could see again: still waiting");
        assertEquals(M1, placement().get("a.service"));
        now[0] += Duration.ofSeconds(3).toNanos();
        List<ScheduleChange> changes = graceful.reconcile(leadership);
        assertEquals(List.of(ScheduleChange.unassign("a.service", M1, changes.get(0).reason())), changes,
                "MachineID allows no other machine: the unit is unscheduled once the machine is surely gone");
    }

    /**
     * The in-memory registry with some records made unreadable, as the etcd registry reports them (shown on a real etcd by
     * registry's EtcdUnreadableRecordsIT): the named jobs and schedule entries are left out of the lists and reported.
     */
    private Registry withUnreadable(java.util.Set<String> unreadableJobs, java.util.Set<String> unreadableEntries) {
        return (Registry) java.lang.reflect.Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[] {Registry.class},
                (p, m, args) -> {
                    if (m.getName().equals("jobs")) { // either form skips them, as the etcd registry does
                        @SuppressWarnings("unchecked") var sink = args != null ? (java.util.function.Consumer<UnreadableRecord>) args[0]
                                : (java.util.function.Consumer<UnreadableRecord>) r -> { };
                        unreadableJobs.forEach(n -> sink.accept(new UnreadableRecord("/fleet/job/" + n, n, "", "not JSON")));
                        return registry.jobs().stream().filter(j -> !unreadableJobs.contains(j.name())).toList();
                    }
                    if (m.getName().equals("schedule")) {
                        @SuppressWarnings("unchecked") var sink = args != null ? (java.util.function.Consumer<UnreadableRecord>) args[0]
                                : (java.util.function.Consumer<UnreadableRecord>) r -> { };
                        Map<String, List<ScheduledUnit>> out = new java.util.TreeMap<>();
                        registry.schedule().forEach((machine, entries) -> entries.forEach(u -> {
                            if (unreadableEntries.contains(u.name())) {
                                sink.accept(new UnreadableRecord("/fleet/schedule/" + machine + "/" + u.name(), u.name(), machine, "not JSON"));
                            } else {
                                out.computeIfAbsent(machine, k -> new java.util.ArrayList<>()).add(u);
                            }
                        }));
                        return out;
                    }
                    try {
                        return m.invoke(registry, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Issue 17 item 6: a job that cannot be read is not a destroyed job; its unit stays where it runs. */
    @Test
    void aUnitWhoseJobCannotBeReadIsLeftWhereItIs() throws Exception {
        join(M1, "");
        registry.createJob("a.service", unit(""), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        assertEquals(Map.of("a.service", M1), placement());
        EngineReconciler blind = new EngineReconciler(withUnreadable(java.util.Set.of("a.service"), java.util.Set.of()),
                Scheduler.leastLoaded(), EngineStats.NONE);
        assertEquals(List.of(), blind.reconcile(leadership), "nothing unassigned");
        assertEquals(Map.of("a.service", M1), placement());
    }

    /** An entry that cannot be read still names unit and machine: written again from its job, or removed with it. */
    @Test
    void anUnreadableScheduleEntryIsWrittenAgainOrRemovedWithItsDestroyedJob() throws Exception {
        join(M1, "");
        UnitFile f = unit("");
        registry.createJob("a.service", f, TargetState.LAUNCHED);
        registry.createJob("gone.service", unit("MachineID=" + M1), TargetState.LAUNCHED);
        engine.reconcile(leadership);
        registry.destroyJob("gone.service");
        EngineReconciler blind = new EngineReconciler(withUnreadable(java.util.Set.of(), java.util.Set.of("a.service", "gone.service")),
                Scheduler.leastLoaded(), EngineStats.NONE);
        List<ScheduleChange> changes = blind.reconcile(leadership);
        assertEquals(2, changes.size(), changes.toString());
        assertEquals(List.of(new ScheduledUnit("a.service", f.hash().hex(), TargetState.LAUNCHED)), registry.scheduleOf(M1),
                "a.service's entry written again, gone.service's removed");
    }
}
