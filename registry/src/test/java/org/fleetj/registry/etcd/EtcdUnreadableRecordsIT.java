package org.fleetj.registry.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.ScheduledUnit;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.UnreadableRecord;
import org.fleetj.registry.UnreadableRecordException;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * One value in etcd that cannot be read (written by an older version, another tool, a partial restore) is
 * reported and skipped by every list the API and the scheduler read; it no longer fails the whole list
 * (issue 17, item 6). The bad values are written with etcdctl, as another tool would.
 */
class EtcdUnreadableRecordsIT {

    @Test
    void everyListSkipsAndCountsTheUnreadableRecordAndGoesOn() {
        try (EtcdServer etcd = EtcdServer.start();
             EtcdRegistry r = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), "/bad/"))) {
            Etcdctl etcdctl = Etcdctl.at(etcd.endpoint());
            String m1 = EtcdWatchIT.machine(1);
            r.createJob("good.service", RegistryTestData.service("/bin/good"), TargetState.LAUNCHED);
            MachinePresence presence = r.join(new MachineState(m1, "10.0.0.1", Map.of(), "0.1.0"), "h1", Duration.ofSeconds(5));
            r.publishUnitState(presence, new UnitState("good.service", m1, "abc", "loaded", "active", "running", TargetState.LAUNCHED));
            String goodHash = RegistryTestData.service("/bin/good").hash().hex();
            etcdctl.run("put", "/bad/schedule/" + m1 + "/good.service",
                    "{\"hash\":\"" + goodHash + "\",\"desiredState\":\"launched\",\"global\":false}");

            etcdctl.run("put", "/bad/job/broken.service", "{not json");
            etcdctl.run("put", "/bad/job/nohash.service", "{\"desiredState\":\"launched\"}");
            etcdctl.run("put", "/bad/global/broken-global.service", "[1,2");
            etcdctl.run("put", "/bad/schedule/" + m1 + "/broken.service", "{\"hash\":\"x\",\"desiredState\":\"running\"}");
            etcdctl.run("put", "/bad/state/broken.service/" + m1, "garbage");
            etcdctl.run("put", "/bad/machine/" + EtcdWatchIT.machine(2), "null");
            long failuresBefore = r.metrics().snapshot().getOrDefault("decode",
                    new org.fleetj.registry.RegistryMetrics.OpStats(0, 0, 0, 0)).failures();

            assertEquals(List.of("good.service"), r.jobs().stream().map(Job::name).toList());
            assertEquals(List.of(), r.globalJobs());
            assertEquals(List.of("good.service"), r.scheduleOf(m1).stream().map(ScheduledUnit::name).toList());
            assertEquals(List.of("good.service"), r.schedule().get(m1).stream().map(ScheduledUnit::name).toList());
            assertEquals(List.of("good.service"), r.unitStates().stream().map(UnitState::name).toList());
            assertEquals(List.of(m1), r.machines().stream().map(MachineState::id).toList());

            // what was skipped is reported beside each list, naming the unit (or machine) and, from the key, its machine
            List<UnreadableRecord> jobs = new ArrayList<>();
            r.jobs(jobs::add);
            assertEquals(List.of("broken.service", "nohash.service"), jobs.stream().map(UnreadableRecord::name).sorted().toList());
            assertTrue(jobs.stream().allMatch(b -> b.key().equals("/bad/job/" + b.name()) && b.reason().contains(b.key())), jobs.toString());
            List<UnreadableRecord> globals = new ArrayList<>();
            r.globalJobs(globals::add);
            assertEquals(List.of(new UnreadableRecord("/bad/global/broken-global.service", "broken-global.service", "",
                    globals.get(0).reason())), globals);
            List<UnreadableRecord> entries = new ArrayList<>();
            r.scheduleOf(m1, entries::add);
            r.schedule(entries::add);
            assertEquals(2, entries.size(), entries.toString());
            assertTrue(entries.stream().allMatch(b -> b.name().equals("broken.service") && b.machine().equals(m1)), entries.toString());
            List<UnreadableRecord> states = new ArrayList<>();
            r.unitStates(states::add);
            assertEquals(List.of("broken.service@" + m1), states.stream().map(b -> b.name() + "@" + b.machine()).toList());
            List<UnreadableRecord> machines = new ArrayList<>();
            r.machines(machines::add);
            assertEquals(List.of(EtcdWatchIT.machine(2)), machines.stream().map(UnreadableRecord::name).toList());

            long failures = r.metrics().snapshot().get("decode").failures() - failuresBefore;
            assertTrue(failures >= 6, "each unreadable record counted as a failed decode: " + failures);
            UnreadableRecordException e = assertThrows(UnreadableRecordException.class, () -> r.job("broken.service"));
            assertEquals("/bad/job/broken.service", e.key());
            assertTrue(e.getMessage().contains("/bad/job/broken.service") && e.getMessage().contains("{not json"), e.getMessage());
        }
    }

    /** A job whose unit file is missing is reported as broken too, naming the body's key; reading it names that key. */
    @Test
    void aJobWhoseUnitFileIsMissingIsReportedByItsBodysKey() {
        try (EtcdServer etcd = EtcdServer.start();
             EtcdRegistry r = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), "/nobody/"))) {
            String hash = "0123456789abcdef0123456789abcdef01234567";
            Etcdctl.at(etcd.endpoint()).run("put", "/nobody/job/orphan.service",
                    "{\"hash\":\"" + hash + "\",\"desiredState\":\"launched\",\"global\":false}");
            List<UnreadableRecord> broken = new ArrayList<>();
            assertEquals(List.of(), r.jobs(broken::add));
            assertEquals(1, broken.size());
            assertEquals("/nobody/unit/" + hash, broken.get(0).key());
            assertEquals("orphan.service", broken.get(0).name());
            UnreadableRecordException e = assertThrows(UnreadableRecordException.class, () -> r.job("orphan.service"));
            assertEquals("/nobody/unit/" + hash, e.key());
        }
    }
}
