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

    /**
     * Re-announces this machine with new facts (e.g. metadata or IP after a config reload), under the same
     * lease. The id must not change.
     */
    void update(MachineState self);

    /** Leaves the cluster: revokes the lease, which removes the machine and its unit states. */
    @Override
    void close();

    interface Listener {
        /** The lease could not be kept alive (store unreachable or lease expired). */
        void suspended();

        /**
         * Healthy again after {@link #suspended()}: either the old lease survived, or the machine was
         * announced again under a new lease. Either way unit states must be published again (the ones
         * under a lost lease are gone).
         */
        void rejoined();
    }
}
