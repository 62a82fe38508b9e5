package org.fleetj.fleetd.api;

import org.eclipse.jetty.server.Handler;

/**
 * The hook through which fleetd serves more than fleet's v1 API on the same listeners: it wraps the v1
 * handler (to check access first, or to answer paths of its own) and must pass every other request on to it.
 */
@FunctionalInterface
public interface ApiExtension {
    /** Serves fleet's v1 API only. */
    ApiExtension NONE = api -> api;

    Handler wrap(Handler fleetApi);
}
