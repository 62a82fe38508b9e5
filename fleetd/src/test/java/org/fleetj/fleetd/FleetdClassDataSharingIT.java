package org.fleetj.fleetd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The class-data-sharing archive the build makes for {@code bin/fleetd} (bin/make-cds-archive with {@link CdsTraining})
 * is used by the real launcher: with {@code -Xshare:on} a JVM that cannot map it refuses to start, and fleetd's own
 * classes, the libraries' and the JDK's come from it rather than from the jars.
 */
class FleetdClassDataSharingIT {
    @Test
    void binFleetdLoadsFleetdAndItsLibrariesFromTheArchiveTheBuildMade() throws Exception {
        Path fleetd = Path.of("..", "bin", "fleetd").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(fleetd.toString(), "--version")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("FLEETD_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info");
        pb.environment().remove("FLEETD_NO_CDS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/fleetd did not exit");
        assertEquals(0, p.exitValue(), "stderr: " + err);
        assertTrue(out.contains("fleetd version "), out);
        for (String cls : new String[]{"org.fleetj.fleetd.Fleetd", "org.slf4j.LoggerFactory", "ch.qos.logback.classic.LoggerContext"}) {
            String line = out.lines().filter(l -> l.contains(" " + cls + " ")).findFirst().orElse("(not loaded)");
            assertTrue(line.contains("source: shared objects file"), cls + " was not loaded from the archive: " + line);
        }
    }
}
