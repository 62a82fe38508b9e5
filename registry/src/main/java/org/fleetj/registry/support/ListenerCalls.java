package org.fleetj.registry.support;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a registry calls its listeners (presence, leadership, watch callbacks): on its one callback thread, never on
 * the caller's, so a listener may call the registry back; a listener that throws is logged and the next call still
 * runs; once the registry is closed (its executor shut down), calls are dropped quietly. Shared by the etcd registry
 * and the in-memory one, so tests see listeners called as in production.
 */
public final class ListenerCalls {
    private static final Logger log = LoggerFactory.getLogger(ListenerCalls.class);

    private ListenerCalls() {
    }

    public static void submit(Executor callbacks, Runnable listenerCall) {
        try {
            callbacks.execute(() -> {
                try {
                    listenerCall.run();
                } catch (RuntimeException e) {
                    log.warn("registry listener failed: {}", e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("registry closed; listener call dropped");
        }
    }
}
