package org.fleetj.fleetd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fleetj.registry.ScheduleChange;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

class ScheduleTransactionsTest {
    private static ScheduleChange assign(String unit, String machine) {
        return ScheduleChange.assign(unit, machine, "h", TargetState.LAUNCHED, "test");
    }

    private static ScheduleChange unassign(String unit, String machine) {
        return ScheduleChange.unassign(unit, machine, "test");
    }

    private static Set<String> machines(List<ScheduleChange> txn) {
        Set<String> out = new HashSet<>();
        for (ScheduleChange c : txn) out.add(c.machineId());
        return out;
    }

    @Test
    void aLargePassSpreadOverMachinesIsWrittenMachineByMachine() {
        // decided round-robin, as a spread placement decides them: in that order every transaction touched 4 machines
        List<ScheduleChange> changes = new ArrayList<>();
        for (int i = 0; i < 400; i++) changes.add(assign("u" + i + ".service", "m" + (i % 4)));
        List<List<ScheduleChange>> txns = ScheduleTransactions.of(changes);
        assertEquals(4, txns.size());
        for (List<ScheduleChange> txn : txns) {
            assertEquals(1, machines(txn).size(), "one machine per transaction: " + machines(txn));
            assertEquals(100, txn.size());
        }
        // decision order is kept within a machine
        assertEquals("u0.service", txns.get(0).get(0).unit());
        assertEquals("u4.service", txns.get(0).get(1).unit());
        assertEquals(400, txns.stream().mapToInt(List::size).sum());
    }

    @Test
    void removalsComeFirstThenMovesThenAssignments() {
        List<ScheduleChange> changes = List.of(assign("new.service", "a"), unassign("moved.service", "a"),
                assign("moved.service", "b"), unassign("gone.service", "b"));
        List<ScheduleChange> written = ScheduleTransactions.of(changes).get(0);
        assertEquals(List.of(unassign("gone.service", "b"), unassign("moved.service", "a"), assign("moved.service", "b"),
                assign("new.service", "a")), written);
    }

    @Test
    void aMoveIsNeverSplitAcrossTransactions() {
        List<ScheduleChange> changes = new ArrayList<>();
        for (int i = 0; i < 99; i++) changes.add(unassign("x" + i + ".service", "a"));
        changes.add(unassign("moved.service", "a"));
        changes.add(assign("moved.service", "b"));
        List<List<ScheduleChange>> txns = ScheduleTransactions.of(changes);
        assertEquals(2, txns.size());
        assertEquals(99, txns.get(0).size());
        assertEquals(List.of(unassign("moved.service", "a"), assign("moved.service", "b")), txns.get(1));
        for (List<ScheduleChange> txn : txns) assertTrue(txn.size() <= ScheduleTransactions.MAX_CHANGES_PER_TXN);
    }

    @Test
    void nothingToWriteIsNoTransaction() {
        assertEquals(List.of(), ScheduleTransactions.of(List.of()));
    }
}
