package org.fleetj.fleetd.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** fleet's {@code verbosity} (0-2) mapped onto logback levels. */
public final class Logging {
    private Logging() {
    }

    /**
     * gRPC, Netty and jetcd log through java.util.logging: its records go to logback (jul-to-slf4j) instead of
     * JUL's own stderr handler, so the levels of logback.xml apply to them too (its LevelChangePropagator tells
     * JUL, so records below them are not even built).
     */
    public static void routeJavaUtilLogging() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /** 0: operator events (INFO); 1: fleetd's own debug lines; 2: debug lines of the libraries too. */
    public static void applyVerbosity(int verbosity) {
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext)) return;
        Logger fleet = (Logger) LoggerFactory.getLogger("org.fleetj");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        fleet.setLevel(verbosity >= 1 ? Level.DEBUG : null);
        root.setLevel(verbosity >= 2 ? Level.DEBUG : Level.INFO);
    }
}
