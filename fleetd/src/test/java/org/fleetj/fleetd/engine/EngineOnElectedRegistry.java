package org.fleetj.fleetd.engine;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.fleetj.registry.Leadership;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.memory.ElectedRegistry;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.fleetj.scheduler.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the fast engine tests share: a fresh elected in-memory registry for each test and the
 * {@link EngineReconciler} over it, which a test drives pass by pass with {@link #leadership}.
 */
abstract class EngineOnElectedRegistry {
    static final String M1 = "11111111aaaaaaaaaaaaaaaaaaaaaaaa";
    static final String M2 = "22222222bbbbbbbbbbbbbbbbbbbbbbbb";

    private final Scheduler scheduler;
    private ElectedRegistry elected;
    InMemoryRegistry registry;
    EngineReconciler engine;
    Leadership leadership;

    /** @param scheduler the placement the engine under test uses */
    EngineOnElectedRegistry(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @BeforeEach
    final void electEngine() {
        elected = new ElectedRegistry();
        registry = elected.registry();
        engine = new EngineReconciler(registry, scheduler, EngineStats.NONE);
        leadership = elected.leadership();
    }

    @AfterEach
    final void closeRegistry() {
        elected.close();
    }

    /** The elected engine gives up its leadership, as when its machine dies. */
    final void resignLeadership() {
        elected.resign();
    }

    /** Machine {@code id} joins with {@code metadata}; its address and host name follow from the id's first character. */
    final MachinePresence join(String id, Map<String, String> metadata) {
        return registry.join(new MachineState(id, "10.0.0." + id.charAt(0), metadata, "test"), "host-" + id.charAt(0), Duration.ofSeconds(30));
    }

    /** Where the schedule puts each unit: unit name to machine id. */
    final Map<String, String> placement() {
        return registry.schedule().entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(u -> Map.entry(u.name(), e.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
