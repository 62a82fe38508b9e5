package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.Registry;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /units} and {@code GET /state} a page at a time: every page after the first reads only the jobs and states
 * it shows (a client waiting on a thousand units reads ten pages many times a second), and the pages together are the
 * whole listing.
 */
class ListPagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String M1 = "3d1219c7c4c5404aaa1f6d2a48adfda4";

    /** A registry call as the API made it: the method and, for a collection argument, its size. */
    private record Call(String method, int names) {
    }

    /** The in-memory registry, with every call the API makes recorded in {@code calls}. */
    private static Registry counted(InMemoryRegistry memory, List<Call> calls) {
        return (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[] {Registry.class},
                (proxy, method, args) -> {
                    int names = args != null && args.length > 0 && args[0] instanceof Collection<?> c ? c.size() : -1;
                    calls.add(new Call(method.getName(), names));
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void pagesAfterTheFirstReadOnlyTheirUnitsAndTogetherAreTheWholeListing() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (ApiFixture api = new ApiFixture(counted(new InMemoryRegistry(), calls), b -> b.tokenLimit(100))) {
            RawHttp http = api.unix();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= 250; i++) names.add(String.format("u%03d.service", i));
            for (String name : names) {
                assertEquals(201, http.put("/fleet/v1/units/" + name, "{\"desiredState\":\"launched\",\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}").status());
            }
            MachinePresence m1 = api.join(M1, "10.0.0.1", Map.of());
            for (String name : List.of("u001.service", "u150.service", "u250.service")) {
                api.schedule(name, M1, TargetState.LAUNCHED);
                api.publish(m1, name, TargetState.LAUNCHED, "loaded", "active", "running");
            }

            List<String> listed = new ArrayList<>();
            List<String> launched = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                calls.clear();
                JsonNode page = JSON.readTree(http.get("/fleet/v1/units" + (token == null ? "" : "?nextPageToken=" + token)).text());
                page.get("units").forEach(u -> {
                    listed.add(u.get("name").asText());
                    if (u.get("currentState").asText().equals("launched")) launched.add(u.get("name").asText() + " on " + u.get("machineID").asText());
                });
                if (token != null) {
                    assertFalse(calls.contains(new Call("jobs", -1)) || calls.contains(new Call("unitStates", -1)),
                            "page " + (pages + 1) + " read every job or state: " + calls);
                    assertTrue(calls.contains(new Call("jobs", 100)) || calls.contains(new Call("jobs", 50)), calls.toString());
                }
                assertTrue(calls.contains(new Call("unitStates", page.get("units").size())), "the page's states only: " + calls);
                token = page.has("nextPageToken") ? page.get("nextPageToken").asText() : null;
                pages++;
            } while (token != null);

            assertEquals(3, pages);
            assertEquals(names, listed, "every unit once, in name order");
            assertEquals(List.of("u001.service on " + M1, "u150.service on " + M1, "u250.service on " + M1), launched,
                    "each page shows its units' placement and state");
        }
    }

    @Test
    void statePagesAfterTheFirstReadOnlyTheirStatesAndTogetherAreTheWholeListing() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        String m2 = "6e1b9fae2a0c4f1b8d3e5a7c9b1d3f5e";
        try (ApiFixture api = new ApiFixture(counted(new InMemoryRegistry(), calls), b -> b.tokenLimit(100))) {
            RawHttp http = api.unix();
            MachinePresence p1 = api.join(M1, "10.0.0.1", Map.of());
            MachinePresence p2 = api.join(m2, "10.0.0.2", Map.of());
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 120; i++) {
                String name = String.format("u%03d.service", i);
                assertEquals(201, http.put("/fleet/v1/units/" + name, "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}").status());
                api.publish(p1, name, TargetState.LAUNCHED, "loaded", "active", "running");
                expected.add(name + " on " + M1);
                if (i % 2 == 0) {
                    api.publish(p2, name, TargetState.LAUNCHED, "loaded", "active", "running");
                    expected.add(name + " on " + m2);
                }
            }

            assertEquals(expected, statePages(http, "", calls), "180 states, by unit then machine, each once");
            assertEquals(expected.stream().filter(e -> e.endsWith(m2)).toList(), statePages(http, "machineID=" + m2 + "&", calls),
                    "filtered by machine");
        }
    }

    /** Every page of {@code /state} with the query {@code filter}, as "unit on machine"; checks what later pages read. */
    private static List<String> statePages(RawHttp http, String filter, List<Call> calls) throws Exception {
        List<String> listed = new ArrayList<>();
        String token = null;
        do {
            calls.clear();
            JsonNode page = JSON.readTree(http.get("/fleet/v1/state?" + filter + (token == null ? "" : "nextPageToken=" + token)).text());
            if (page.has("states")) page.get("states").forEach(s -> listed.add(s.get("name").asText() + " on " + s.get("machineID").asText()));
            if (token != null) {
                assertFalse(calls.contains(new Call("unitStates", -1)), "a later page read every state: " + calls);
            }
            token = page.has("nextPageToken") ? page.get("nextPageToken").asText() : null;
        } while (token != null);
        return listed;
    }
}
