package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailurePolicyTest {
    private static UnitFile unit(String xfleet) throws UnitParseException {
        return UnitFile.parse("[Service]\nExecStart=/bin/false\n\n[X-Fleet]\n" + xfleet);
    }

    @Test
    void noOptionsMeansFleetsBehaviour() throws Exception {
        assertEquals(Optional.empty(), FailurePolicy.from(unit("Conflicts=a*\n")));
        assertEquals(Optional.empty(), FailurePolicy.from(UnitFile.parse("[Service]\nExecStart=/bin/true\n")));
    }

    @Test
    void readsAllThreeOptions() throws Exception {
        FailurePolicy p = FailurePolicy.from(unit("RestartOnFailure=3\nRestartWindow=5min\nRescheduleOnFailure=yes\n")).orElseThrow();
        assertEquals(new FailurePolicy(3, Duration.ofMinutes(5), true), p);
        assertTrue(p.acts());
    }

    @Test
    void defaultsForOmittedOptions() throws Exception {
        assertEquals(new FailurePolicy(2, FailurePolicy.DEFAULT_WINDOW, false), FailurePolicy.from(unit("RestartOnFailure=2\n")).orElseThrow());
        assertEquals(new FailurePolicy(0, FailurePolicy.DEFAULT_WINDOW, true), FailurePolicy.from(unit("RescheduleOnFailure=true\n")).orElseThrow());
        assertEquals(Duration.ofSeconds(90), FailurePolicy.from(unit("RestartOnFailure=1\nRestartWindow=90\n")).orElseThrow().window());
        assertEquals(Duration.ofHours(1), FailurePolicy.from(unit("RestartOnFailure=1\nRestartWindow=1h\n")).orElseThrow().window());
    }

    @Test
    void badValuesNameTheOption() {
        UnitParseException e = assertThrows(UnitParseException.class, () -> FailurePolicy.from(unit("RestartOnFailure=many\n")));
        assertTrue(e.getMessage().contains("RestartOnFailure=\"many\""), e.getMessage());
        e = assertThrows(UnitParseException.class, () -> FailurePolicy.from(unit("RestartOnFailure=-1\n")));
        assertTrue(e.getMessage().contains("RestartOnFailure"), e.getMessage());
        e = assertThrows(UnitParseException.class, () -> FailurePolicy.from(unit("RestartOnFailure=1\nRestartWindow=0\n")));
        assertTrue(e.getMessage().contains("RestartWindow=\"0\""), e.getMessage());
        e = assertThrows(UnitParseException.class, () -> FailurePolicy.from(unit("RescheduleOnFailure=perhaps\n")));
        assertTrue(e.getMessage().contains("RescheduleOnFailure=\"perhaps\""), e.getMessage());
    }

    @Test
    void xfleetParserRefusesABadPolicyAndDoesNotWarnAboutTheKeys() throws Exception {
        assertThrows(UnitParseException.class, () -> XFleet.from(unit("RestartOnFailure=x\n"), "a.service"));
        assertEquals(java.util.List.of(), XFleetParser.warnings(unit("RestartOnFailure=1\nRestartWindow=1h\nRescheduleOnFailure=true\n")));
    }
}
