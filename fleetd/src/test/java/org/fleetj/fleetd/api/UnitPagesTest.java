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
 * {@code GET /units} a page at a time: every page after the first reads only the jobs and states it shows (a client
 * waiting on a thousand units reads ten pages many times a second), and the pages together are the whole listing.
 */
class UnitPagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String M1 = "3d1219c7c4c5404aaa1f6d2a48adfda4";

    /** A registry call as the API made it: the method and, for a collection argument, its size. */
    private record Call(String method, int names) {
    }

    @Test
    void pagesAfterTheFirstReadOnlyTheirUnitsAndTogetherAreTheWholeListing() throws Exception {
        InMemoryRegistry memory = new InMemoryRegistry();
        List<Call> calls = new CopyOnWriteArrayList<>();
        Registry counted = (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[] {Registry.class},
                (proxy, method, args) -> {
                    int names = args != null && args.length > 0 && args[0] instanceof Collection<?> c ? c.size() : -1;
                    calls.add(new Call(method.getName(), names));
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (ApiFixture api = new ApiFixture(counted, b -> b.tokenLimit(100))) {
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
}
