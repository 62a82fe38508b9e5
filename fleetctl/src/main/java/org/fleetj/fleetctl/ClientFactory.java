package org.fleetj.fleetctl;

import org.fleetj.fleetctl.client.FleetClient;

/** Makes the cluster client a session's commands use. */
@FunctionalInterface
public interface ClientFactory {
    /** @throws ClientInitException when the global flags do not describe a usable client */
    FleetClient create(Session session);

    /**
     * The client for a read-only list command of the quick path ({@code list-units}, {@code list-machines},
     * {@code list-unit-files}): may be a lighter one that answers the lists itself (the etcd driver through etcd's
     * JSON gateway) and leaves everything else to {@link #create}'s client.
     */
    default FleetClient createForLists(Session session) {
        return create(session);
    }
}
