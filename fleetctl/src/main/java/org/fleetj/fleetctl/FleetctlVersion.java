package org.fleetj.fleetctl;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version fleetctl reports, from the build ({@code fleetctl-version.properties}, filtered by Maven). */
public final class FleetctlVersion implements IVersionProvider {

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = FleetctlVersion.class.getResourceAsStream("/fleetctl-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fleetctl-version.properties from the jar", e);
        }
        return p.getProperty("version", "unknown");
    }

    /** What {@code fleetctl version} and {@code fleetctl --version} print. */
    public static String line() {
        return "fleetctl version " + version();
    }

    @Override
    public String[] getVersion() {
        return new String[]{line()};
    }
}
