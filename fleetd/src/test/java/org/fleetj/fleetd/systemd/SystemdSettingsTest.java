package org.fleetj.fleetd.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemdSettingsTest {

    @Test
    void defaultsAreFleetsDefaults() {
        SystemdSettings s = SystemdSettings.defaults();
        assertEquals(Path.of("/run/fleet/units"), s.unitsDirectory());
        assertEquals(Path.of("/"), s.hostRoot());
        assertTrue(s.bus() instanceof BusTarget.SystemBus);
        assertTrue(SystemdSettings.forFleetConfig(true, Path.of("/run/x")).bus() instanceof BusTarget.UserBus);
    }

    @Test
    void systemBusAddressFollowsTheEnvironment() {
        assertEquals("unix:path=/run/dbus/system_bus_socket", new BusTarget.SystemBus(Map.of()).address());
        assertEquals("unix:path=/x", new BusTarget.SystemBus(Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/x")).address());
    }

    @Test
    void userBusAddressFollowsTheEnvironment() {
        assertEquals("unix:path=/s", new BusTarget.UserBus(Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=/s")).address());
        assertEquals("unix:path=/run/user/1000/bus",
                new BusTarget.UserBus(Map.of("XDG_RUNTIME_DIR", "/run/user/1000")).address());
        // fallback: this process's uid
        assertTrue(new BusTarget.UserBus(Map.of()).address().matches("unix:path=/run/user/\\d+/bus"));
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SystemdSettings.defaults().withUnitsDirectory(Path.of("relative/units")));
        assertTrue(e.getMessage().contains("units_directory") && e.getMessage().contains("relative/units"));
        assertThrows(IllegalArgumentException.class, () -> BusTarget.address(" "));
        assertThrows(IllegalArgumentException.class,
                () -> SystemdSettings.defaults().withReconnectDelays(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
