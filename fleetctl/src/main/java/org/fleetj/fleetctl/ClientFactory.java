package org.fleetj.fleetctl;

import org.fleetj.fleetctl.client.FleetClient;

/** Makes the cluster client a session's commands use. */
@FunctionalInterface
public interface ClientFactory {
    /** @throws ClientInitException when the global flags do not describe a usable client */
    FleetClient create(Session session);
}
