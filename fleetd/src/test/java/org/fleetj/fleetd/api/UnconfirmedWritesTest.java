package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import org.fleetj.registry.Registry;
import org.fleetj.registry.WriteOutcomeUnknownException;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 10, the API side: a write that etcd applied but did not confirm in time (WriteOutcomeUnknownException,
 * which {@code WriteOutcomeIT} shows the etcd registry raising on a real etcd) is read back, and answered as done
 * when it was done; when it was not, the 503 says the change may have been applied.
 */
class UnconfirmedWritesTest {
    /** A registry whose chosen writes are applied and then reported as unconfirmed (or not applied at all). */
    private static Registry unconfirmed(InMemoryRegistry real, Set<String> methods, boolean apply) {
        return unconfirmedAtFirst(real, methods, apply, Integer.MAX_VALUE);
    }

    /** A registry whose chosen writes fail unconfirmed on their first {@code times} calls each, applied or not, then work. */
    private static Registry unconfirmedAtFirst(InMemoryRegistry real, Set<String> methods, boolean apply, int times) {
        java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> left = new java.util.concurrent.ConcurrentHashMap<>();
        return (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[] {Registry.class}, (p, m, args) -> {
            try {
                if (methods.contains(m.getName())
                        && left.computeIfAbsent(m.getName(), k -> new java.util.concurrent.atomic.AtomicInteger(times)).getAndDecrement() > 0) {
                    if (apply) m.invoke(real, args);
                    throw new WriteOutcomeUnknownException("etcd at test did not answer (txn) within 1000 ms; the change may have"
                            + " been applied: read it back before retrying", null);
                }
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static final String OTHER_OPTIONS = UnitsApiTest.HELLO_OPTIONS.replace("Hello", "Other");

    /** Issue 17 item 10: a create or replace etcd did not confirm is read back, and the client told what happened. */
    @Test
    void anAppliedButUnconfirmedCreateOrReplaceIsReadBackAndAnsweredAsDone() throws Exception {
        InMemoryRegistry real = new InMemoryRegistry();
        try (ApiFixture api = new ApiFixture(unconfirmed(real, Set.of("createJob", "replaceJob"), true), b -> b)) {
            RawHttp http = api.tcp();
            assertEquals(201, http.put("/fleet/v1/units/a.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}").status());
            String created = real.job("a.service").orElseThrow().unitHash();
            RawHttp.Response replaced = http.put("/fleet/v1/units/a.service",
                    "{\"desiredState\":\"loaded\",\"options\":" + OTHER_OPTIONS + "}");
            assertEquals(201, replaced.status(), replaced.text());
            assertFalse(real.job("a.service").orElseThrow().unitHash().equals(created), "replaced");
            assertEquals(TargetState.LOADED, real.job("a.service").orElseThrow().desiredState());
        }
    }

    @Test
    void aCreateOrReplaceReadBackAsNotAppliedIsTriedAgainAndDone() throws Exception {
        InMemoryRegistry real = new InMemoryRegistry();
        try (ApiFixture api = new ApiFixture(unconfirmedAtFirst(real, Set.of("createJob", "replaceJob"), false, 1), b -> b)) {
            RawHttp http = api.tcp();
            RawHttp.Response created = http.put("/fleet/v1/units/a.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}");
            assertEquals(201, created.status(), created.text());
            assertTrue(real.job("a.service").isPresent());
            String first = real.job("a.service").orElseThrow().unitHash();
            RawHttp.Response replaced = http.put("/fleet/v1/units/a.service", "{\"options\":" + OTHER_OPTIONS + "}");
            assertEquals(201, replaced.status(), replaced.text());
            assertFalse(real.job("a.service").orElseThrow().unitHash().equals(first), "replaced on the second try");
        }
    }

    @Test
    void aCreateNeverConfirmedNorFoundSaysItMayHaveBeenApplied() throws Exception {
        InMemoryRegistry real = new InMemoryRegistry();
        try (ApiFixture api = new ApiFixture(unconfirmed(real, Set.of("createJob"), false), b -> b)) {
            RawHttp.Response r = api.tcp().put("/fleet/v1/units/a.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}");
            assertEquals(503, r.status());
            assertTrue(r.text().contains("may have been applied"), r.text());
            assertFalse(real.job("a.service").isPresent());
        }
    }

    @Test
    void anAppliedButUnconfirmedDestroyOrStateChangeIsAnsweredAsDone() throws Exception {
        InMemoryRegistry real = new InMemoryRegistry();
        try (ApiFixture api = new ApiFixture(unconfirmed(real, Set.of("destroyJob", "setDesiredState"), true), b -> b)) {
            RawHttp http = api.tcp();
            assertEquals(201, http.put("/fleet/v1/units/a.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}").status());
            assertEquals(204, http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"loaded\"}").status());
            assertEquals(TargetState.LOADED, real.job("a.service").orElseThrow().desiredState());
            assertEquals(204, http.delete("/fleet/v1/units/a.service").status());
            assertFalse(real.job("a.service").isPresent());
        }
    }

    @Test
    void anUnconfirmedWriteThatDidNotHappenSaysItMayHaveBeenApplied() throws Exception {
        InMemoryRegistry real = new InMemoryRegistry();
        try (ApiFixture api = new ApiFixture(unconfirmed(real, Set.of("destroyJob", "setDesiredState"), false), b -> b)) {
            RawHttp http = api.tcp();
            assertEquals(201, http.put("/fleet/v1/units/a.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}").status());
            RawHttp.Response r = http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"loaded\"}");
            assertEquals(503, r.status());
            assertTrue(r.text().contains("may have been applied"), r.text());
            RawHttp.Response d = http.delete("/fleet/v1/units/a.service");
            assertEquals(503, d.status());
            assertTrue(d.text().contains("may have been applied"), d.text());
        }
    }
}
