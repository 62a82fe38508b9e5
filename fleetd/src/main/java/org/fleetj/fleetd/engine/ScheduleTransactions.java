package org.fleetj.fleetd.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fleetj.registry.ScheduleChange;

/**
 * Splits one engine pass's schedule changes into the transactions the engine writes.
 *
 * <p>Every agent watches its own machine's schedule and runs a pass for each transaction that touches it. Written in
 * the order the scheduler decided them, the changes of a large pass spread over every machine, so each transaction
 * woke every agent (10,000 units on 100 machines: about 0.75 agent passes per unit). Written grouped by machine, a
 * transaction touches one or two machines and each agent wakes about once per engine pass. The order is also the
 * safe one: removals first (a unit leaves before anything new arrives), then moves (a move's unassign and assign are
 * one transaction, never split), then assignments; within each group, by machine, in decision order otherwise.
 */
final class ScheduleTransactions {
    /** etcd refuses transactions with more than 128 operations by default; stay well below. */
    static final int MAX_CHANGES_PER_TXN = 100;

    private ScheduleTransactions() {
    }

    /** A change, or a move (unassign then assign of one unit), that must land in one transaction. */
    private record Segment(int phase, String machineId, List<ScheduleChange> changes) {
    }

    static List<List<ScheduleChange>> of(List<ScheduleChange> changes) {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            ScheduleChange c = changes.get(i);
            boolean move = c.kind() == ScheduleChange.Kind.UNASSIGN && i + 1 < changes.size()
                    && changes.get(i + 1).unit().equals(c.unit()) && changes.get(i + 1).kind() == ScheduleChange.Kind.ASSIGN;
            if (move) {
                ScheduleChange to = changes.get(++i);
                segments.add(new Segment(1, to.machineId(), List.of(c, to)));
            } else {
                segments.add(new Segment(c.kind() == ScheduleChange.Kind.UNASSIGN ? 0 : 2, c.machineId(), List.of(c)));
            }
        }
        // List.sort is stable: decision order is kept among changes of one phase and machine
        segments.sort(Comparator.comparingInt(Segment::phase).thenComparing(Segment::machineId));
        List<List<ScheduleChange>> transactions = new ArrayList<>();
        List<ScheduleChange> txn = new ArrayList<>();
        for (Segment s : segments) {
            if (txn.size() + s.changes().size() > MAX_CHANGES_PER_TXN) {
                transactions.add(txn);
                txn = new ArrayList<>();
            }
            txn.addAll(s.changes());
        }
        if (!txn.isEmpty()) transactions.add(txn);
        return transactions;
    }
}
