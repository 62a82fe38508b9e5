package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;
import org.fleetj.testkit.EtcdGateway;
import org.fleetj.testkit.EtcdServer;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 6 through fleetd's API on a real etcd: a record that cannot be read is skipped by the lists (which go
 * on) and shown as broken: the first page of {@code /units}, {@code /state} and {@code /machines} carries it in an
 * additional {@code unreadable} field (beyond fleet, absent when there is nothing unreadable, so fleet's pages stay
 * byte for byte), and {@code GET /units/<name>} of that unit names the key.
 */
class UnreadableRecordsApiIT {
    private static final String MACHINE = "3d1219c7c4c5404aaa1f6d2a48adfda4";

    @Test
    void listsGoOnAndShowTheUnreadableRecordsAndTheUnitNamesItsKey() throws Exception {
        try (EtcdServer etcd = EtcdServer.start();
             EtcdRegistry registry = EtcdRegistry.open(EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix("/bad/").build());
             ApiFixture api = new ApiFixture(registry, b -> b.tokenLimit(1))) {
            RawHttp http = api.tcp();
            assertEquals(201, http.put("/fleet/v1/units/a.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}").status());
            assertEquals(201, http.put("/fleet/v1/units/b.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}").status());
            registry.join(new MachineState(MACHINE, "10.0.0.1", Map.of(), "0.1.0"), "h1", Duration.ofSeconds(30));
            String fleetsOwnPage = http.get("/fleet/v1/units").text();
            assertFalse(fleetsOwnPage.contains("unreadable"), "nothing unreadable: fleet's page as it was: " + fleetsOwnPage);

            EtcdGateway etcdctl = new EtcdGateway(etcd.endpoint());
            etcdctl.put("/bad/job/broken.service", "{written by another tool");
            etcdctl.put("/bad/state/broken.service/" + MACHINE, "{written by another tool");
            etcdctl.put("/bad/machine/ffffffffffffffffffffffffffffffff", "{written by another tool");

            RawHttp.Response first = http.get("/fleet/v1/units");
            assertEquals(200, first.status());
            Map<?, ?> page = ApiJson.MAPPER.readValue(first.body(), Map.class);
            assertEquals("a.service", ((Map<?, ?>) ((java.util.List<?>) page.get("units")).get(0)).get("name"), first.text());
            java.util.List<?> unreadable = (java.util.List<?>) page.get("unreadable");
            assertEquals(1, unreadable.size(), first.text());
            Map<?, ?> broken = (Map<?, ?>) unreadable.get(0);
            assertEquals("broken.service", broken.get("name"));
            assertEquals("/bad/job/broken.service", broken.get("key"));
            assertTrue(String.valueOf(broken.get("reason")).contains("{written by another tool"), first.text());
            String second = http.get("/fleet/v1/units?nextPageToken=" + page.get("nextPageToken")).text();
            assertTrue(second.contains("b.service") && !second.contains("unreadable"), "only the first page carries them: " + second);

            RawHttp.Response one = http.get("/fleet/v1/units/broken.service");
            assertEquals(500, one.status());
            assertTrue(one.text().contains("/bad/job/broken.service") && one.text().contains("destroy the unit"), one.text());

            String states = http.get("/fleet/v1/state").text();
            assertTrue(states.contains("\"unreadable\"") && states.contains("/bad/state/broken.service/" + MACHINE), states);
            String machines = http.get("/fleet/v1/machines").text();
            assertTrue(machines.contains(MACHINE) && machines.contains("/bad/machine/ffffffffffffffffffffffffffffffff"), machines);

            assertEquals(204, http.delete("/fleet/v1/units/broken.service").status(), "a broken unit can be destroyed");
            assertFalse(http.get("/fleet/v1/units").text().contains("unreadable"));
        }
    }
}
