package org.fleetj.registry.etcd;

/**
 * Delivers the events of one {@link KeptLease} to whoever holds it (a machine's presence, an engine's leadership)
 * while, and only while, that lease is still the holder's current one. A holder moves on to a new lease after the
 * old one is lost, or stops; an event of the old lease that arrives late is dropped here, in one place.
 *
 * <p>Each event is decided under the holder's monitor (so "is it still mine" and the state change it causes are
 * one step), and whatever must not run under that monitor (a request to etcd, callbacks) is returned as a
 * {@link Runnable} and run afterwards.
 */
final class LeaseEvents implements KeptLease.Listener {
    /** A holder of leases. Its methods run under its own monitor and return work for after it, or null. */
    interface Holder {
        /** True while {@code lease} is the current lease and the holder is neither closed nor abandoned. */
        boolean holds(KeptLease lease);

        Runnable leaseUnreachable(KeptLease lease, String why);

        /** A successful keepalive (each one: a holder may have been suspended for reasons of its own). */
        Runnable leaseConfirmed(KeptLease lease);

        /** etcd says the lease is gone: expired or revoked. */
        Runnable leaseLost(KeptLease lease);
    }

    private interface Event {
        Runnable decide(Holder holder);
    }

    private final KeptLease lease;
    private final Holder holder;

    LeaseEvents(KeptLease lease, Holder holder) {
        this.lease = lease;
        this.holder = holder;
    }

    @Override
    public void unreachable(String why) {
        deliver(h -> h.leaseUnreachable(lease, why));
    }

    @Override
    public void confirmed(boolean afterTrouble) {
        deliver(h -> h.leaseConfirmed(lease));
    }

    @Override
    public void lost() {
        deliver(h -> h.leaseLost(lease));
    }

    private void deliver(Event event) {
        Runnable afterwards;
        synchronized (holder) {
            if (!holder.holds(lease)) {
                return;
            }
            afterwards = event.decide(holder);
        }
        if (afterwards != null) {
            afterwards.run();
        }
    }
}
