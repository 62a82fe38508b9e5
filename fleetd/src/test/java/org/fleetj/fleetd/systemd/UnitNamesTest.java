package org.fleetj.fleetd.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitNamesTest {

    @Test
    void acceptsServiceTemplateAndInstanceNames() {
        assertEquals("web.service", UnitNames.requireValid("web.service"));
        assertEquals("hello@.service", UnitNames.requireValid("hello@.service"));
        assertEquals("hello@1.service", UnitNames.requireValid("hello@1.service"));
        assertEquals("a:b_c-d.timer", UnitNames.requireValid("a:b_c-d.timer"));
    }

    @Test
    void refusesNamesThatWouldLeaveTheUnitsDirectory() {
        RejectedUnitNameException e = assertThrows(RejectedUnitNameException.class,
                () -> UnitNames.requireValid("../../etc/x.service"));
        assertTrue(e.getMessage().contains("../../etc/x.service"), e.getMessage());
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid("sub/x.service"));
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid(".."));
    }

    @Test
    void refusesNamesSystemdWouldNotLoad() {
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid(""));
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid(null));
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid("noext"));
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid("x.servic"));
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid("a b.service"));
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid("@x.service"));
        assertThrows(RejectedUnitNameException.class, () -> UnitNames.requireValid("x".repeat(300) + ".service"));
    }

    @Test
    void objectPathEscapesLikeSystemd() {
        // the first two are paths systemd itself publishes (busctl tree org.freedesktop.systemd1)
        assertEquals("/org/freedesktop/systemd1/unit/dbus_2eservice", UnitNames.objectPath("dbus.service"));
        assertEquals("/org/freedesktop/systemd1/unit/systemd_2djournald_2eservice",
                UnitNames.objectPath("systemd-journald.service"));
        assertEquals("/org/freedesktop/systemd1/unit/hello_401_2eservice", UnitNames.objectPath("hello@1.service"));
        // a leading digit is escaped, later digits are not; '_' itself is escaped
        assertEquals("/org/freedesktop/systemd1/unit/_31a2_5fb_2eservice", UnitNames.objectPath("1a2_b.service"));
    }
}
