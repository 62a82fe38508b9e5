package org.fleetj.fleetd.systemd;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One bus call per unit, sent ahead of the replies (systemd answers them in order without waiting for this process
 * between calls), at most {@link #CALLS_IN_FLIGHT} awaiting their reply; each unit keeps its own answer.
 */
final class PipelinedCalls {
    /**
     * The most calls of one batch awaiting their reply. dbus-daemon refuses a connection's calls beyond
     * max_replies_per_connection (128 on Debian's system bus) with LimitsExceeded: a pass that started 146 units at
     * once lost 18 starts to it (retried a second later, behind systemd's queue). Half of it leaves room for the
     * other calls the connection makes meanwhile (unit state reads, the journal relay).
     */
    static final int CALLS_IN_FLIGHT = 64;

    private PipelinedCalls() {
    }

    /**
     * @param send    sends the unit's call (throws {@link SystemdException} or {@link IllegalArgumentException} when it
     *                cannot be sent: that unit's answer)
     * @param receive waits for a call's reply (throws {@link SystemdException}: that unit's answer)
     * @param onReply each reply, in the order of {@code names}
     * @return what failed, by unit, in the order of {@code names}
     */
    static <P> Map<String, RuntimeException> each(List<String> names, Function<String, P> send, Function<P, Object> receive,
                                                  BiConsumer<String, Object> onReply) {
        Map<String, RuntimeException> failures = new HashMap<>();
        ArrayDeque<Map.Entry<String, P>> inFlight = new ArrayDeque<>();
        for (String name : names) {
            if (inFlight.size() >= CALLS_IN_FLIGHT) settle(inFlight.removeFirst(), receive, onReply, failures);
            try {
                inFlight.addLast(Map.entry(name, send.apply(name)));
            } catch (SystemdException | IllegalArgumentException e) {
                failures.put(name, e);
            }
        }
        while (!inFlight.isEmpty()) settle(inFlight.removeFirst(), receive, onReply, failures);
        Map<String, RuntimeException> inOrder = new LinkedHashMap<>();
        for (String name : names) {
            if (failures.containsKey(name)) inOrder.put(name, failures.get(name));
        }
        return inOrder;
    }

    private static <P> void settle(Map.Entry<String, P> call, Function<P, Object> receive, BiConsumer<String, Object> onReply,
                                   Map<String, RuntimeException> failures) {
        try {
            onReply.accept(call.getKey(), receive.apply(call.getValue()));
        } catch (SystemdException e) {
            failures.put(call.getKey(), e);
        }
    }
}
