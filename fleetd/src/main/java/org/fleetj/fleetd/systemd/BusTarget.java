package org.fleetj.fleetd.systemd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/** Which D-Bus fleetd talks to systemd over: the system bus, the user's bus ({@code systemd_user}), or an explicit address. */
public sealed interface BusTarget {

    /** A D-Bus address string like {@code unix:path=/run/dbus/system_bus_socket}. */
    String address();

    /** For log lines and error messages. */
    String describe();

    static BusTarget system() {
        return new SystemBus(System.getenv());
    }

    static BusTarget user() {
        return new UserBus(System.getenv());
    }

    static BusTarget address(String address) {
        return new ExplicitAddress(address);
    }

    /** The system bus: {@code $DBUS_SYSTEM_BUS_ADDRESS} or {@code /run/dbus/system_bus_socket}. */
    record SystemBus(Map<String, String> env) implements BusTarget {
        @Override
        public String address() {
            String fromEnv = env.get("DBUS_SYSTEM_BUS_ADDRESS");
            return fromEnv != null && !fromEnv.isBlank() ? fromEnv : "unix:path=/run/dbus/system_bus_socket";
        }

        @Override
        public String describe() {
            return "system bus (" + address() + ")";
        }
    }

    /**
     * The calling user's bus, where their systemd user manager lives: {@code $DBUS_SESSION_BUS_ADDRESS},
     * else {@code $XDG_RUNTIME_DIR/bus}, else {@code /run/user/<uid>/bus}.
     */
    record UserBus(Map<String, String> env) implements BusTarget {
        @Override
        public String address() {
            String fromEnv = env.get("DBUS_SESSION_BUS_ADDRESS");
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv;
            }
            String runtimeDir = env.get("XDG_RUNTIME_DIR");
            if (runtimeDir == null || runtimeDir.isBlank()) {
                runtimeDir = "/run/user/" + currentUid();
            }
            return "unix:path=" + Path.of(runtimeDir, "bus");
        }

        @Override
        public String describe() {
            return "user bus (" + address() + ")";
        }

        private static String currentUid() {
            try {
                return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (java.io.IOException | UnsupportedOperationException e) {
                throw new SystemdException("cannot determine the user id for the user bus "
                        + "(set DBUS_SESSION_BUS_ADDRESS or XDG_RUNTIME_DIR): " + e);
            }
        }
    }

    /** An explicit address, e.g. a machine's socket reached from the host through {@code /proc/<pid>/root}. */
    record ExplicitAddress(String address) implements BusTarget {
        public ExplicitAddress {
            Objects.requireNonNull(address, "address");
            if (address.isBlank()) {
                throw new IllegalArgumentException("D-Bus address is empty");
            }
        }

        @Override
        public String describe() {
            return "bus at " + address;
        }
    }
}
