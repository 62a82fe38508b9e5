package org.fleetj.registry.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/** How schedule changes are cut into transactions, and how schedule keys are read back. */
class ScheduleStoreTest {
    private static final String HASH = "0123456789012345678901234567890123456789";
    private final EtcdKeys keys = new EtcdKeys("/fleet/");

    private ScheduleStore store(int maxOps) {
        return new ScheduleStore(null, keys, maxOps, new UnreadableRecords(new org.fleetj.registry.RegistryMetrics()));
    }

    private static ScheduleChange assign(String unit, String machine) {
        return ScheduleChange.assign(unit, machine, HASH, TargetState.LAUNCHED, "test");
    }

    private static ScheduleChange unassign(String unit, String machine) {
        return ScheduleChange.unassign(unit, machine, "test");
    }

    @Test
    void smallChangeSetsAreOneTransaction() {
        List<ScheduleChange> changes = List.of(assign("a", "m1"), assign("b", "m2"));
        assertEquals(List.of(changes), store(128).batches(changes));
        assertEquals(List.of(), store(128).batches(List.of()));
    }

    @Test
    void bigChangeSetsAreCutIntoBoundedTransactions() {
        List<ScheduleChange> changes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            changes.add(assign("u" + i, "m" + (i % 3)));
        }
        List<List<ScheduleChange>> batches = store(128).batches(changes);
        assertEquals(List.of(128, 128, 44), batches.stream().map(List::size).toList());
        assertEquals(changes, batches.stream().flatMap(List::stream).toList(), "order kept, nothing lost");
    }

    @Test
    void aMoveIsNeverSplitAcrossTransactions() {
        List<ScheduleChange> changes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            changes.add(assign("u" + i, "m1"));
        }
        changes.add(unassign("moving", "m1"));
        changes.add(assign("moving", "m2"));
        List<List<ScheduleChange>> batches = store(4).batches(changes);
        assertEquals(List.of(3, 2), batches.stream().map(List::size).toList());
        assertEquals(List.of(unassign("moving", "m1"), assign("moving", "m2")), batches.get(1));
    }

    @Test
    void theLastChangeOfAKeyInOneTransactionWins() {
        // etcd refuses a key written twice in one transaction; applied in order, the last one counts anyway
        List<ScheduleChange> changes = List.of(assign("a", "m1"), assign("b", "m1"), unassign("a", "m1"));
        assertEquals(List.of(List.of(assign("b", "m1"), unassign("a", "m1"))), store(128).batches(changes));
    }

    @Test
    void aUnitChangingOnMoreMachinesThanATransactionHoldsIsSpread() {
        List<ScheduleChange> changes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            changes.add(unassign("g", "m" + i));
        }
        assertEquals(List.of(2, 2, 1), store(2).batches(changes).stream().map(List::size).toList());
    }

    @Test
    void scheduleKeysAreReadBack() {
        assertEquals(new ScheduleStore.Entry("m1", "a.service"), ScheduleStore.parse(keys, keys.schedule("m1", "a.service")));
        assertNull(ScheduleStore.parse(keys, keys.job("a.service")));
        assertNull(ScheduleStore.parse(keys, keys.of("schedule/m1/")));
        assertNull(ScheduleStore.parse(keys, keys.of("schedule/m1")));
    }
}
