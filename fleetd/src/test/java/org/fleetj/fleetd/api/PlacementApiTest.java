package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachineState;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * {@code /placement}: machines' capacity and availability and the engine's wait reasons; PUT cordons and
 * uncordons; fleet's own {@code /machines} stays exactly fleet's shape; a unit with a bad placement option is
 * refused at submission naming the option.
 */
class PlacementApiTest extends ApiServerTest {
    private static final String M1 = "3d1219c7c4c5404aaa1f6d2a48adfda4";

    PlacementApiTest() {
        super(b -> b.tokenLimit(100));
    }

    @Test
    void capacityAvailabilityAndReasonsAreServedAndCordonIsSet() throws Exception {
        api.registry.join(new MachineState(M1, "10.0.0.1", Map.of(), "v", new Resources(1500, 1L << 30),
                MachineAvailability.SCHEDULABLE), "host", Duration.ofSeconds(30));
        api.registry.publishWaitReasons(Map.of("big.service", "no machine can run it (1 checked); 1 lack 2 GiB of memory"));

        JsonNode view = JSON.readTree(http.get("/fleet/v1/placement").body());
        JsonNode m = view.get("machines").get(0);
        assertEquals(M1, m.get("id").asText());
        assertEquals(1500, m.get("cpuMillis").asLong());
        assertEquals(1L << 30, m.get("memoryBytes").asLong());
        assertEquals("schedulable", m.get("availability").asText());
        assertEquals("no machine can run it (1 checked); 1 lack 2 GiB of memory", view.get("waiting").get("big.service").asText());

        RawHttp.Response put = http.put("/fleet/v1/placement/machines/" + M1, "{\"availability\":\"cordoned\"}");
        assertEquals(204, put.status(), new String(put.body()));
        assertEquals(MachineAvailability.CORDONED, api.registry.machines().get(0).availability());
        assertEquals("{\"machines\":[{\"id\":\"" + M1 + "\",\"primaryIP\":\"10.0.0.1\"}]}",
                new String(http.get("/fleet/v1/machines").body()), "fleet's machine entity is unchanged");

        RawHttp.Response bad = http.put("/fleet/v1/placement/machines/" + M1, "{\"availability\":\"asleep\"}");
        assertEquals(400, bad.status());
        assertTrue(new String(bad.body()).contains("availability must be one of"), new String(bad.body()));
        assertEquals(MachineAvailability.CORDONED, api.registry.machines().get(0).availability(), "a bad request changes nothing");

        assertEquals(204, http.put("/fleet/v1/placement/machines/" + M1, "{\"availability\":\"schedulable\"}").status());
        assertEquals(MachineAvailability.SCHEDULABLE, api.registry.machines().get(0).availability());
    }

    @Test
    void aBadPlacementOptionIsRefusedAtSubmissionNamingIt() throws Exception {
        RawHttp.Response r = http.put("/fleet/v1/units/web@1.service", "{\"desiredState\":\"launched\",\"options\":["
                + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"},"
                + "{\"section\":\"X-Fleet\",\"name\":\"RequestMemory\",\"value\":\"lots\"}]}");
        assertEquals(400, r.status(), new String(r.body()));
        assertTrue(new String(r.body()).contains("RequestMemory"), new String(r.body()));
        assertTrue(api.registry.job("web@1.service").isEmpty());

        RawHttp.Response ok = http.put("/fleet/v1/units/web@1.service", "{\"desiredState\":\"launched\",\"options\":["
                + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"},"
                + "{\"section\":\"X-Fleet\",\"name\":\"RequestMemory\",\"value\":\"512M\"},"
                + "{\"section\":\"X-Fleet\",\"name\":\"MaxPerMachine\",\"value\":\"1\"}]}");
        assertEquals(201, ok.status(), new String(ok.body()));
        assertEquals(TargetState.LAUNCHED, api.registry.job("web@1.service").orElseThrow().desiredState());
    }
}
