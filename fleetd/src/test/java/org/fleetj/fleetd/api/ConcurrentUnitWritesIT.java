package org.fleetj.fleetd.api;

import static org.fleetj.fleetd.api.UnitsApiTest.HELLO_OPTIONS;
import static org.fleetj.fleetd.api.UnitsApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * fleetctl's start as fleetd's API sees it, on a real etcd: creates and then desired-state writes sent 32 at a time,
 * which the etcd registry commits several per transaction. Every request is answered as it is alone (the same status
 * and message): a bad body among good ones, a unit that exists, a desired state for a unit that does not exist.
 */
class ConcurrentUnitWritesIT {
    private static final int UNITS = 48;

    @Test
    void concurrentCreatesAndDesiredStatesAreEachAnsweredAsAlone() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (EtcdServer etcd = EtcdServer.start();
             EtcdRegistry registry = EtcdRegistry.open(EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix("/concurrent/").build());
             ApiFixture api = new ApiFixture(registry, b -> b)) {
            RawHttp http = api.tcp();
            assertEquals(201, http.put("/fleet/v1/units/u7.service", "{\"desiredState\":\"loaded\",\"options\":" + HELLO_OPTIONS + "}").status());

            Map<String, Future<RawHttp.Response>> creates = new LinkedHashMap<>();
            for (int i = 0; i < UNITS; i++) {
                String name = "u" + i + ".service";
                String body = "{\"name\":\"" + (i == 20 ? "other.service" : name) + "\",\"options\":" + HELLO_OPTIONS + "}";
                creates.put(name, pool.submit(() -> api.tcp().put("/fleet/v1/units/" + name, body)));
            }
            for (Map.Entry<String, Future<RawHttp.Response>> c : creates.entrySet()) {
                RawHttp.Response r = c.getValue().get();
                switch (c.getKey()) {
                    case "u20.service" -> assertError(r, 400, "name in URL \"u20.service\" differs from unit name in request body \"other.service\"");
                    // u7 exists with the same file: without a desired state there is nothing to change, as fleet answers
                    case "u7.service" -> assertError(r, 409, "must provide DesiredState to update existing unit");
                    default -> assertEquals(201, r.status(), c.getKey() + ": " + r.text());
                }
            }
            assertFalse(registry.job("u20.service").isPresent(), "the bad request created nothing");

            Map<String, Future<RawHttp.Response>> targets = new LinkedHashMap<>();
            List<String> names = new ArrayList<>(creates.keySet());
            names.add(10, "missing.service");
            for (String name : names) {
                String body = name.equals("u30.service") ? "{\"desiredState\":\"running\"}" : "{\"desiredState\":\"launched\",\"name\":\"" + name + "\"}";
                targets.put(name, pool.submit(() -> api.tcp().put("/fleet/v1/units/" + name, body)));
            }
            for (Map.Entry<String, Future<RawHttp.Response>> t : targets.entrySet()) {
                RawHttp.Response r = t.getValue().get();
                switch (t.getKey()) {
                    case "missing.service", "u20.service" -> assertError(r, 409, "unit does not exist and options field empty");
                    case "u30.service" -> assertError(r, 400, "invalid desiredState \"running\": must be one of inactive, loaded, launched");
                    default -> assertEquals(204, r.status(), t.getKey() + ": " + r.text());
                }
            }
            for (int i = 0; i < UNITS; i++) {
                if (i == 20) continue;
                TargetState want = i == 30 ? TargetState.INACTIVE : TargetState.LAUNCHED;
                assertEquals(want, registry.job("u" + i + ".service").orElseThrow().desiredState(), "u" + i);
            }
            assertFalse(registry.job("missing.service").isPresent(), "a desired state creates no unit");
        } finally {
            pool.shutdownNow();
        }
    }
}
