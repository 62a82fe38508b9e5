package org.fleetj.fleetctl;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * fleetctl's logging, set up in code (registered as logback's {@link Configurator} service) rather than
 * from a logback.xml: parsing the XML costs ~0.4 s of start-up on the paths that log at all (SSH through
 * sshj, the etcd driver). stdout is for command output only ({@code fd-forward} relays raw bytes on it),
 * so everything goes to stderr, and only warnings: fleetctl prints its own errors. The
 * {@code fleetctl.log.level} system property lowers the threshold of fleetctl's own loggers.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        // gRPC, Netty and jetcd (the etcd driver) log through java.util.logging: routed here rather than to JUL's
        // own stderr handler, and JUL told the levels below so it does not even build the records they drop
        LevelChangePropagator julLevels = new LevelChangePropagator();
        julLevels.setContext(context);
        julLevels.setResetJUL(true);
        context.addListener(julLevels);
        julLevels.start();
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("org.fleetj").setLevel(Level.toLevel(System.getProperty("fleetctl.log.level"), Level.WARN));
        // sshj logs each failure it throws, at ERROR and with a stack trace (a refused host key: 3 lines and a
        // trace before fleetctl's own warning); fleetctl reports every one of them once, in its own words
        context.getLogger("net.schmizz").setLevel(Level.OFF);
        context.getLogger("com.hierynomus").setLevel(Level.OFF);
        // the etcd driver: jetcd warns of every retry; the error fleetctl prints says what matters
        context.getLogger("io.etcd").setLevel(Level.ERROR);
        // the registry's warning about a record it cannot read is fleetd's, for its log: fleetctl's commands print
        // their own "WARNING: unit NAME is broken: ..." for each (or the error naming the key)
        context.getLogger("org.fleetj.registry.etcd.UnreadableRecords").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
