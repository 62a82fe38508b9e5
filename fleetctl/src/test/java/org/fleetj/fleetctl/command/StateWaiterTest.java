package org.fleetj.fleetctl.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.GlobalOptions;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClient;
import org.junit.jupiter.api.Test;

class StateWaiterTest {
    /** How long the stand-in API takes to answer one listing (a thousand units are ten pages), on the test's clock. */
    private static final long SLOW_MILLIS = 3 * StateWaiter.POLL_MILLIS;

    /**
     * A client waiting on many units must not poll an API that is slow to list them back to back: after a poll that took
     * longer than the poll interval, it pauses at least as long as that poll took. Time is the test's own clock, which the
     * stand-in API's answers and the waiter's pauses move on: nothing here sleeps.
     */
    @Test
    void aSlowPollIsFollowedByAPauseAtLeastAsLongAsThePoll() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 5; i++) names.add("u" + i + ".service"); // more than are asked for one by one
        AtomicLong nanos = new AtomicLong();
        List<Long> pauses = new ArrayList<>();
        int[] polls = {0};
        FleetClient slow = (FleetClient) Proxy.newProxyInstance(FleetClient.class.getClassLoader(), new Class<?>[] {FleetClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "units" -> {
                        nanos.addAndGet(SLOW_MILLIS * 1_000_000);
                        String state = ++polls[0] > 3 ? "launched" : "inactive";
                        yield names.stream().map(n -> new ApiUnit(n, List.of(), "launched", state, null)).toList();
                    }
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Session session = new Session(new GlobalOptions(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                s -> slow);
        StateWaiter waiter = new StateWaiter(session, nanos::get, millis -> {
            pauses.add(millis);
            nanos.addAndGet(millis * 1_000_000);
        });

        waiter.awaitState(names, "launched", 0);

        assertEquals(4, polls[0], "three polls found the units inactive, the fourth launched");
        assertEquals(List.of(SLOW_MILLIS, SLOW_MILLIS, SLOW_MILLIS), pauses, "after each slow poll, a pause as long as it took");
        assertEquals(String.join("", names.stream().map(n -> "Unit " + n + " launched\n").toList()), out.toString(StandardCharsets.UTF_8));
    }

    /** A quick poll is followed by the usual interval. */
    @Test
    void aQuickPollIsFollowedByThePollInterval() {
        AtomicLong nanos = new AtomicLong();
        List<Long> pauses = new ArrayList<>();
        int[] polls = {0};
        FleetClient quick = (FleetClient) Proxy.newProxyInstance(FleetClient.class.getClassLoader(), new Class<?>[] {FleetClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "unit" -> {
                        nanos.addAndGet(1_000_000);
                        String state = ++polls[0] > 2 ? "launched" : "inactive";
                        yield java.util.Optional.of(new ApiUnit((String) args[0], List.of(), "launched", state, null));
                    }
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        Session session = new Session(new GlobalOptions(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), s -> quick);
        new StateWaiter(session, nanos::get, millis -> {
            pauses.add(millis);
            nanos.addAndGet(millis * 1_000_000);
        }).awaitState(List.of("a.service"), "launched", 0);

        assertEquals(List.of(StateWaiter.POLL_MILLIS, StateWaiter.POLL_MILLIS), pauses);
    }
}
