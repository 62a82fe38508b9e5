package org.fleetj.fleetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {
    @Test
    void javaUtilLoggingOfTheLibrariesEndsUpInLogbackAtItsLevels() {
        Logging.routeJavaUtilLogging();
        Logger grpc = (Logger) LoggerFactory.getLogger("io.grpc.test");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        grpc.addAppender(seen);
        grpc.setLevel(ch.qos.logback.classic.Level.WARN);
        try {
            java.util.logging.Logger jul = java.util.logging.Logger.getLogger("io.grpc.test");
            jul.info("Epoll available"); // below logback's level for io.grpc: dropped
            jul.warning("channel shut down");
            assertEquals(List.of("WARN channel shut down"),
                    seen.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList());
        } finally {
            grpc.detachAppender(seen);
        }
    }
}
