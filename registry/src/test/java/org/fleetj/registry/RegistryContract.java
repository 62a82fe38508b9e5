package org.fleetj.registry;

/**
 * The behaviour every {@link Registry} must show, run against each implementation (in memory and on a real
 * etcd). Subclasses provide a fresh, empty store per test and the means to simulate failures
 * ({@link RegistryFixture}); the cases live in one interface per concern, so each stays readable on its own: jobs
 * and unit files ({@link JobsContract}), machines, presences and unit states ({@link MachinesContract}), the election
 * and its fence ({@link LeadershipContract}), watches ({@link WatchesContract}) and an outage ({@link OutageContract}).
 */
public abstract class RegistryContract
        implements JobsContract, MachinesContract, LeadershipContract, WatchesContract, OutageContract {
}
