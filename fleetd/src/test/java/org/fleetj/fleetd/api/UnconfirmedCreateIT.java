package org.fleetj.fleetd.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetj.registry.Registry;
import org.fleetj.registry.WriteOutcomeUnknownException;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;
import org.fleetj.testkit.EtcdServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 10 on a real etcd: a create or replace whose transaction reaches etcd but is not answered in time (etcd
 * frozen with SIGSTOP just before the write, the registry's own timeout firing) is read back by the API, and the client
 * learns what happened: 201 when the unit holds what was written (applied, or not applied and then tried again), the
 * 503 "may have been applied" only while etcd cannot be read either. Before, every such write answered that 503.
 */
class UnconfirmedCreateIT {
    /** Short, so that a frozen etcd is noticed quickly; the write below is sent after etcd answered once. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(700);

    private EtcdServer etcd;
    private EtcdRegistry registry;
    /** How many writes of the real registry ended unconfirmed: the path under test was taken. */
    private final AtomicInteger unconfirmedWrites = new AtomicInteger();
    private final Set<String> frozenOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() {
        etcd = EtcdServer.start();
        registry = EtcdRegistry.open(EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix("/unconfirmed/")
                .requestTimeout(REQUEST_TIMEOUT).build());
    }

    @AfterEach
    void stop() {
        if (etcd != null && etcd.isRunning()) etcd.resume();
        if (registry != null) registry.close();
        if (etcd != null) etcd.close();
    }

    /**
     * The real etcd registry, with etcd frozen right before the first call of each of {@code methods}; etcd thaws when the write has
     * timed out, before the API reads it back, unless {@code thawAfterWrite} is false.
     */
    private Registry freezingBefore(Set<String> methods, boolean thawAfterWrite) {
        registry.jobs(); // etcd answered once: the writes below are really sent
        return (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[] {Registry.class}, (p, m, args) -> {
            boolean freeze = methods.contains(m.getName()) && frozenOnce.add(m.getName()); // the first call of each
            if (freeze) etcd.pause();
            try {
                return m.invoke(registry, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof WriteOutcomeUnknownException) unconfirmedWrites.incrementAndGet();
                throw e.getCause();
            } finally {
                if (freeze && thawAfterWrite) etcd.resume();
            }
        });
    }

    @Test
    void aCreateAndAReplaceEtcdDidNotConfirmAreReadBackAndAnswered201() throws Exception {
        try (ApiFixture api = new ApiFixture(freezingBefore(Set.of("createJob", "replaceJob"), true), b -> b)) {
            RawHttp http = api.tcp();
            RawHttp.Response created = http.put("/fleet/v1/units/a.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}");
            assertEquals(201, created.status(), created.text());
            assertTrue(unconfirmedWrites.get() >= 1, "the create was not confirmed in time");
            String first = registry.job("a.service").orElseThrow().unitHash();

            int before = unconfirmedWrites.get(); // the PUT tries a create first (it exists), then the replace etcd does not confirm
            String other = UnitsApiTest.HELLO_OPTIONS.replace("Hello", "Other");
            RawHttp.Response replaced = http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"loaded\",\"options\":" + other + "}");
            assertEquals(201, replaced.status(), replaced.text());
            assertTrue(unconfirmedWrites.get() > before, "the replace was not confirmed in time");
            var job = registry.job("a.service").orElseThrow();
            assertTrue(!job.unitHash().equals(first) && job.desiredState().wireName().equals("loaded"), job.toString());
        }
    }

    @Test
    void whileEtcdCannotBeReadBackEitherTheAnswerSaysTheChangeMayHaveBeenAppliedAndItIsTrue() throws Exception {
        try (ApiFixture api = new ApiFixture(freezingBefore(Set.of("createJob"), false), b -> b)) {
            RawHttp.Response r = api.tcp().put("/fleet/v1/units/b.service", "{\"options\":" + UnitsApiTest.HELLO_OPTIONS + "}");
            assertEquals(503, r.status(), r.text());
            assertTrue(r.text().contains("may have been applied"), r.text());
            etcd.resume();
            // the transaction etcd had received before it froze is applied once it runs again: "may" was the truth
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.job("b.service").isPresent());
        }
    }
}
