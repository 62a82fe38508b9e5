package org.fleetj.fleetd.systemd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach systemd and where unit files go.
 *
 * @param bus                   which bus systemd is on
 * @param unitsDirectory        the units directory as systemd sees it (fleet's {@code units_directory})
 * @param hostRoot              where the machine's "/" is reachable from this process: "/" normally,
 *                              {@code /proc/<pid1>/root} when driving another machine's systemd
 * @param reconnectInitialDelay first wait before re-opening a dropped bus connection
 * @param reconnectMaxDelay     the wait doubles after each failed attempt up to this
 */
public record SystemdSettings(BusTarget bus, Path unitsDirectory, Path hostRoot, Duration reconnectInitialDelay,
                              Duration reconnectMaxDelay) {

    public static final Path DEFAULT_UNITS_DIRECTORY = Path.of("/run/fleet/units");

    public SystemdSettings {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(unitsDirectory, "unitsDirectory");
        Objects.requireNonNull(hostRoot, "hostRoot");
        Objects.requireNonNull(reconnectInitialDelay, "reconnectInitialDelay");
        Objects.requireNonNull(reconnectMaxDelay, "reconnectMaxDelay");
        if (!unitsDirectory.isAbsolute()) {
            throw new IllegalArgumentException("units_directory must be an absolute path, got '" + unitsDirectory + "'");
        }
        if (reconnectInitialDelay.isNegative() || reconnectInitialDelay.isZero()
                || reconnectMaxDelay.compareTo(reconnectInitialDelay) < 0) {
            throw new IllegalArgumentException("reconnect delays must be positive and initial <= max, got "
                    + reconnectInitialDelay + " / " + reconnectMaxDelay);
        }
    }

    /** The system bus, {@code /run/fleet/units}, this machine's root. */
    public static SystemdSettings defaults() {
        return new SystemdSettings(BusTarget.system(), DEFAULT_UNITS_DIRECTORY, Path.of("/"),
                Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    /** fleet's {@code systemd_user} option: the user bus instead of the system bus. */
    public static SystemdSettings forFleetConfig(boolean systemdUser, Path unitsDirectory) {
        return defaults().withBus(systemdUser ? BusTarget.user() : BusTarget.system())
                .withUnitsDirectory(unitsDirectory);
    }

    public SystemdSettings withBus(BusTarget newBus) {
        return new SystemdSettings(newBus, unitsDirectory, hostRoot, reconnectInitialDelay, reconnectMaxDelay);
    }

    public SystemdSettings withUnitsDirectory(Path dir) {
        return new SystemdSettings(bus, dir, hostRoot, reconnectInitialDelay, reconnectMaxDelay);
    }

    public SystemdSettings withHostRoot(Path root) {
        return new SystemdSettings(bus, unitsDirectory, root, reconnectInitialDelay, reconnectMaxDelay);
    }

    public SystemdSettings withReconnectDelays(Duration initial, Duration max) {
        return new SystemdSettings(bus, unitsDirectory, hostRoot, initial, max);
    }
}
