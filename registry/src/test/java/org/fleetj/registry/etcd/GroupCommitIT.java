package org.fleetj.registry.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fleetj.registry.RegistryMetrics;
import org.fleetj.registry.RegistryTestData;
import org.fleetj.registry.UnreadableRecordException;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The group commit of desired-state writes and creates on a real etcd, batch by batch: a job that changes between a
 * batch's read and its write spends only its own attempt (the others are written by the next batch), a job that does
 * not exist is answered false and one whose record cannot be read gets its own error, a create of a unit that exists
 * is refused on its own and the others are created by the next transaction; writes waiting together share one
 * transaction. (The jobs are top-level operations of that transaction, never nested ones: EtcdSecurityIT.)
 */
class GroupCommitIT {
    private static EtcdServer etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) etcd.close();
    }

    @Test
    void aJobChangedBetweenReadAndWriteFailsOnlyItsOwnCompare() {
        String prefix = "/dsw-compare/";
        ExecutorService committer = Executors.newSingleThreadExecutor();
        try (EtcdRegistry registry = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix));
             EtcdGateway gateway = new EtcdGateway(EtcdRegistryContractIT.config(etcd.endpoint(), prefix), new RegistryMetrics())) {
            for (String n : List.of("a", "b", "c")) {
                registry.createJob(n + ".service", RegistryTestData.service("/bin/" + n), TargetState.INACTIVE);
            }
            registry.createJob("g.service", RegistryTestData.globalService("/bin/g"), TargetState.INACTIVE);
            DesiredStateWrites writes = new DesiredStateWrites(new EtcdKv(gateway), new EtcdKeys(prefix), committer, EtcdKv.MAX_TXN_OPS);
            List<DesiredStateWrites.Pending> batch = List.of(
                    new DesiredStateWrites.Pending("a.service", TargetState.LAUNCHED),
                    new DesiredStateWrites.Pending("b.service", TargetState.LAUNCHED),
                    new DesiredStateWrites.Pending("missing.service", TargetState.LAUNCHED),
                    new DesiredStateWrites.Pending("c.service", TargetState.LAUNCHED),
                    new DesiredStateWrites.Pending("g.service", TargetState.LAUNCHED));
            DesiredStateWrites.Read read = writes.read(batch);

            registry.setDesiredState("b.service", TargetState.LOADED); // between the batch's read and its write

            DesiredStateWrites.Written written = writes.write(read);
            assertEquals(List.of(batch.get(1)), written.changed(), "only b's job changed");
            assertEquals(List.of(batch.get(0), batch.get(3), batch.get(4)), written.notWritten(), "the others wait for the next batch");
            assertFalse(batch.get(1).answer.isDone(), "b is not answered: it is read again and tried again");
            assertFalse(batch.get(0).answer.isDone(), "a is not answered: nothing was written");
            assertFalse(batch.get(2).answer.join(), "no such unit");
            assertEquals(TargetState.INACTIVE, registry.job("a.service").orElseThrow().desiredState(), "nothing written");
            assertEquals(TargetState.LOADED, registry.job("b.service").orElseThrow().desiredState(), "b's concurrent write stands");
            List<DesiredStateWrites.Pending> again = written.tryAgain();
            assertEquals(1, batch.get(1).attempts, "b spent an attempt");
            assertEquals(0, batch.get(0).attempts, "a did not");

            // the next batch: everything read again and written
            assertTrue(writes.write(writes.read(again)).settled());
            for (int i : new int[] {0, 1, 3, 4}) assertTrue(batch.get(i).answer.join(), batch.get(i).unit);
            assertEquals(TargetState.LAUNCHED, registry.job("a.service").orElseThrow().desiredState());
            assertEquals(TargetState.LAUNCHED, registry.job("b.service").orElseThrow().desiredState());
            assertEquals(TargetState.LAUNCHED, registry.job("c.service").orElseThrow().desiredState());
            assertEquals(TargetState.LAUNCHED, registry.globalJobs().get(0).desiredState(), "the global index entry is written too");
            assertFalse(registry.job("missing.service").isPresent());
        } finally {
            committer.shutdownNow();
        }
    }

    /** Writes that arrive while a batch is being committed are read in one request and written in one transaction. */
    @Test
    void writesWaitingTogetherAreCommittedInOneReadAndOneTransaction() throws Exception {
        String prefix = "/dsw-together/";
        ExecutorService committer = Executors.newSingleThreadExecutor();
        ExecutorService callers = Executors.newFixedThreadPool(20);
        RegistryMetrics metrics = new RegistryMetrics();
        try (EtcdRegistry registry = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix));
             EtcdGateway gateway = new EtcdGateway(EtcdRegistryContractIT.config(etcd.endpoint(), prefix), metrics)) {
            for (int i = 0; i < 20; i++) registry.createJob("u" + i + ".service", RegistryTestData.service("/bin/u " + i), TargetState.INACTIVE);
            DesiredStateWrites writes = new DesiredStateWrites(new EtcdKv(gateway), new EtcdKeys(prefix), committer, EtcdKv.MAX_TXN_OPS);
            java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
            committer.execute(() -> {
                try {
                    busy.await(); // the committer is busy (as with an earlier batch) while the 20 writes arrive
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<java.util.concurrent.Future<Boolean>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String name = "u" + i + ".service";
                answers.add(callers.submit(() -> writes.set(name, TargetState.LAUNCHED)));
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> writes.waiting() == 20);
            busy.countDown();
            for (java.util.concurrent.Future<Boolean> a : answers) assertTrue(a.get());
            assertEquals(1, metrics.count("range"), "one read for the 20 writes");
            assertEquals(1, metrics.count("txn"), "one transaction for the 20 writes");
            for (int i = 0; i < 20; i++) {
                assertEquals(TargetState.LAUNCHED, registry.job("u" + i + ".service").orElseThrow().desiredState());
            }
        } finally {
            committer.shutdownNow();
            callers.shutdownNow();
        }
    }

    @Test
    void aCreateOfAUnitThatExistsIsRefusedOnItsOwnAndTheOthersAreCreatedInTheNextTransaction() {
        String prefix = "/dsw-creates/";
        ExecutorService committer = Executors.newSingleThreadExecutor();
        RegistryMetrics metrics = new RegistryMetrics();
        try (EtcdRegistry registry = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix));
             EtcdGateway gateway = new EtcdGateway(EtcdRegistryContractIT.config(etcd.endpoint(), prefix), metrics)) {
            registry.createJob("b.service", RegistryTestData.service("/bin/old"), TargetState.LAUNCHED);
            EtcdKv kv = new EtcdKv(gateway);
            EtcdKeys keys = new EtcdKeys(prefix);
            JobCreates creates = new JobCreates(kv, keys, new UnitBodies(kv, keys, new UnreadableRecords(metrics)), committer, EtcdKv.MAX_TXN_OPS);
            org.fleetj.unit.UnitFile shared = RegistryTestData.service("/bin/new");
            List<JobCreates.Pending> batch = List.of(
                    new JobCreates.Pending("a.service", shared, TargetState.INACTIVE),
                    new JobCreates.Pending("b.service", shared, TargetState.INACTIVE),
                    new JobCreates.Pending("c.service", shared, TargetState.INACTIVE),
                    new JobCreates.Pending("g.service", RegistryTestData.globalService("/bin/g"), TargetState.INACTIVE));

            List<JobCreates.Pending> again = creates.commit(batch);
            assertEquals(List.of(batch.get(0), batch.get(2), batch.get(3)), again, "all but b go into the next batch");
            assertFalse(batch.get(1).answer.join(), "b exists: only its create is refused");
            assertFalse(registry.job("a.service").isPresent(), "nothing written by the refused transaction");
            assertTrue(creates.commit(again).isEmpty());

            assertEquals(2, metrics.count("txn"), "the batch, then the batch without b");
            assertTrue(batch.get(0).answer.join());
            assertFalse(batch.get(1).answer.join(), "b exists: only its create is refused");
            assertTrue(batch.get(2).answer.join());
            assertTrue(batch.get(3).answer.join());
            assertEquals(shared, registry.job("a.service").orElseThrow().unit());
            assertEquals(shared, registry.job("c.service").orElseThrow().unit());
            assertEquals(RegistryTestData.service("/bin/old"), registry.job("b.service").orElseThrow().unit(), "b is untouched");
            assertEquals(TargetState.LAUNCHED, registry.job("b.service").orElseThrow().desiredState());
            assertEquals(List.of("g.service"), registry.globalJobs().stream().map(org.fleetj.registry.Job::name).toList());
            // through the registry, the refusal is the one a lone create gets
            assertThrows(org.fleetj.registry.UnitExistsException.class,
                    () -> registry.createJob("a.service", shared, TargetState.INACTIVE));
        } finally {
            committer.shutdownNow();
        }
    }

    @Test
    void anUnreadableJobGetsItsOwnErrorAndTheOthersAreWritten() {
        String prefix = "/dsw-unreadable/";
        ExecutorService committer = Executors.newSingleThreadExecutor();
        try (EtcdRegistry registry = EtcdRegistry.open(EtcdRegistryContractIT.config(etcd.endpoint(), prefix));
             EtcdGateway gateway = new EtcdGateway(EtcdRegistryContractIT.config(etcd.endpoint(), prefix), new RegistryMetrics())) {
            registry.createJob("a.service", RegistryTestData.service("/bin/a"), TargetState.INACTIVE);
            EtcdKv kv = new EtcdKv(gateway);
            EtcdKeys keys = new EtcdKeys(prefix);
            kv.put(keys.job("broken.service"), ByteSequence.from("{not json", StandardCharsets.UTF_8), 0);
            DesiredStateWrites writes = new DesiredStateWrites(kv, keys, committer, EtcdKv.MAX_TXN_OPS);
            List<DesiredStateWrites.Pending> batch = List.of(
                    new DesiredStateWrites.Pending("broken.service", TargetState.LAUNCHED),
                    new DesiredStateWrites.Pending("a.service", TargetState.LAUNCHED));

            assertTrue(writes.write(writes.read(batch)).settled());
            CompletionException e = assertThrows(CompletionException.class, () -> batch.get(0).answer.join());
            assertTrue(e.getCause() instanceof UnreadableRecordException, String.valueOf(e.getCause()));
            assertTrue(batch.get(1).answer.join());
            assertEquals(TargetState.LAUNCHED, registry.job("a.service").orElseThrow().desiredState());

            // through the registry the same: the unreadable unit's write fails with its own error, as it did alone
            assertThrows(UnreadableRecordException.class, () -> registry.setDesiredState("broken.service", TargetState.LOADED));
            assertTrue(registry.setDesiredState("a.service", TargetState.LOADED));
        } finally {
            committer.shutdownNow();
        }
    }
}
