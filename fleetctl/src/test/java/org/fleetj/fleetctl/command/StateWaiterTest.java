package org.fleetj.fleetctl.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.GlobalOptions;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClient;
import org.junit.jupiter.api.Test;

class StateWaiterTest {
    /** How long the stand-in API takes to answer one listing (a thousand units are ten pages). */
    private static final long SLOW_MILLIS = 3 * StateWaiter.POLL_MILLIS;

    private record Poll(long startNanos, long endNanos) {
    }

    /**
     * A client waiting on many units must not poll an API that is slow to list them back to back: after a poll that took
     * longer than the poll interval, it pauses at least as long as that poll took.
     */
    @Test
    void aSlowPollIsFollowedByAPauseAtLeastAsLongAsThePoll() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 5; i++) names.add("u" + i + ".service"); // more than are asked for one by one
        List<Poll> polls = new CopyOnWriteArrayList<>();
        FleetClient slow = (FleetClient) Proxy.newProxyInstance(FleetClient.class.getClassLoader(), new Class<?>[] {FleetClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "units" -> {
                        long start = System.nanoTime();
                        Thread.sleep(SLOW_MILLIS);
                        String state = polls.size() >= 3 ? "launched" : "inactive";
                        polls.add(new Poll(start, System.nanoTime()));
                        yield names.stream().map(n -> new ApiUnit(n, List.of(), "launched", state, null)).toList();
                    }
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Session session = new Session(new GlobalOptions(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                s -> slow);

        new StateWaiter(session).awaitState(names, "launched", 0);

        assertEquals(4, polls.size(), "three polls found the units inactive, the fourth launched");
        for (int i = 1; i < polls.size(); i++) {
            long pauseMillis = (polls.get(i).startNanos() - polls.get(i - 1).endNanos()) / 1_000_000;
            assertTrue(pauseMillis >= SLOW_MILLIS, "pause before poll " + (i + 1) + ": " + pauseMillis + " ms, polls take " + SLOW_MILLIS + " ms");
        }
        assertEquals(String.join("", names.stream().map(n -> "Unit " + n + " launched\n").toList()), out.toString(StandardCharsets.UTF_8));
    }
}
