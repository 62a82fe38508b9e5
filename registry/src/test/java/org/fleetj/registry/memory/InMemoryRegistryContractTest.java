package org.fleetj.registry.memory;

import java.time.Duration;
import org.fleetj.registry.LeaderLatch;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The registry contract on the in-memory registry (one store; "another client" is the same object). */
class InMemoryRegistryContractTest extends RegistryContract {
    private InMemoryRegistry registry;

    @BeforeEach
    void setUp() {
        registry = new InMemoryRegistry(new ManualClock());
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    @Override
    public Registry registry() {
        return registry;
    }

    @Override
    public Registry otherClient() {
        return registry;
    }

    @Override
    public void crash(Registry client, MachinePresence presence) {
        registry.crash(presence);
    }

    @Override
    public void crash(Registry client, LeaderLatch latch) {
        registry.crash(latch);
    }

    @Override
    public void loseLease(MachinePresence presence) {
        registry.expireLease(presence);
    }

    @Override
    public void startOutage() {
        registry.setUnavailable(true);
    }

    @Override
    public void endOutage() {
        registry.setUnavailable(false);
    }

    /** A crash ends the in-memory lease at once; what follows is watched for one delivery window. */
    @Override
    public Duration crashedLeaseExpiry() {
        return quietPeriod();
    }

    @Override
    public Duration patience() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration quietPeriod() {
        return Duration.ofMillis(100);
    }
}
