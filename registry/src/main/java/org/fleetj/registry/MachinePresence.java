package org.fleetj.registry;

/**
 * This machine's announcement in the registry, kept alive by a lease. When the store is unreachable
 * long enough for the lease to expire, the presence re-announces itself once it can (and tells its
 * listener); it never stops anything by itself.
 */
public interface MachinePresence extends AutoCloseable {

    String machineId();

    /** True while the lease is known to be alive. */
    boolean isAlive();

    void addListener(Listener listener);

    /** Leaves the cluster: revokes the lease, which removes the machine and its unit states. */
    @Override
    void close();

    interface Listener {
        /** The lease could not be kept alive (store unreachable or lease expired). */
        void suspended();

        /** Announced again (possibly under a new lease): unit states must be published again. */
        void rejoined();
    }
}
