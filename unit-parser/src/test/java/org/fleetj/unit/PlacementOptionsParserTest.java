package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RequestCPU, RequestMemory, MaxPerMachine and SpreadBy: parsed, refused with the option named, not warned about. */
class PlacementOptionsParserTest {

    private static UnitFile unit(String... xfleetLines) throws UnitParseException {
        return UnitFile.parse("[Service]\nExecStart=/bin/true\n\n[X-Fleet]\n" + String.join("\n", xfleetLines) + "\n");
    }

    private static PlacementRequests placement(String name, String... lines) throws UnitParseException {
        return XFleet.from(unit(lines), name).placement();
    }

    @Test
    void aUnitWithoutTheOptionsIsFleetsOwn() throws UnitParseException {
        XFleet x = XFleet.from(unit("Conflicts=a.service"), "b.service");
        assertSame(PlacementRequests.NONE, x.placement());
        assertEquals(new XFleet(Optional.empty(), List.of(), List.of(), List.of("a.service"), false, List.of()), x);
    }

    @ParameterizedTest(name = "RequestCPU={0} is {1} millicores")
    @CsvSource({"2, 2000", "0.5, 500", "250m, 250", "1.25, 1250", "0, 0"})
    void cpu(String value, long millis) throws UnitParseException {
        assertEquals(millis, placement("a.service", "RequestCPU=" + value).resources().cpuMillis());
    }

    @ParameterizedTest(name = "RequestMemory={0} is {1} bytes")
    @CsvSource({"512M, 536870912", "1.5G, 1610612736", "100, 100", "64k, 65536", "1T, 1099511627776"})
    void memory(String value, long bytes) throws UnitParseException {
        assertEquals(bytes, placement("a.service", "RequestMemory=" + value).resources().memoryBytes());
    }

    @Test
    void templateRulesAndLastValueWins() throws UnitParseException {
        PlacementRequests p = placement("web@1.service", "MaxPerMachine=3", "MaxPerMachine=2", "SpreadBy=region",
                "RequestMemory=1G");
        assertEquals(new PlacementRequests(new Resources(0, 1L << 30), 2, Optional.of("region")), p);
        assertEquals(2, placement("web@.service", "MaxPerMachine=2").maxPerMachine(), "the template itself is accepted");
        assertEquals(Optional.of("zone"), placement("web@%i.service".replace("%i", "x"), "SpreadBy=zone").spreadBy());
    }

    @ParameterizedTest(name = "{0} is refused naming {1}")
    @CsvSource(delimiter = '|', value = {
            "RequestCPU=lots|RequestCPU",
            "RequestCPU=-1|RequestCPU",
            "RequestCPU=0.0001|RequestCPU",
            "RequestMemory=1Q|RequestMemory",
            "RequestMemory=-5M|RequestMemory",
            "MaxPerMachine=0|MaxPerMachine",
            "MaxPerMachine=two|MaxPerMachine",
            "SpreadBy=region=eu|SpreadBy",
            "SpreadBy=|SpreadBy"})
    void badValuesAreRefusedNamingTheOption(String line, String option) {
        UnitParseException e = assertThrows(UnitParseException.class, () -> placement("web@1.service", line));
        assertTrue(e.getMessage().contains(option), e.getMessage());
    }

    @Test
    void templateRulesNeedATemplateAndMixBadlyWithGlobalOrMachineId() {
        assertTrue(assertThrows(UnitParseException.class, () -> placement("web.service", "MaxPerMachine=1"))
                .getMessage().contains("instances of a template"));
        assertTrue(assertThrows(UnitParseException.class, () -> placement("web@1.service", "SpreadBy=r", "Global=true"))
                .getMessage().contains("Global cannot be combined with SpreadBy"));
        assertTrue(assertThrows(UnitParseException.class, () -> placement("web@1.service", "MaxPerMachine=1", "MachineID=abc"))
                .getMessage().contains("MachineID cannot be combined with MaxPerMachine"));
    }

    @Test
    void theOptionsAreNotWarnedAboutAsUnknown() throws UnitParseException {
        assertEquals(List.of("unrecognized requirement in [X-Fleet] section: \"Other\""),
                XFleetParser.warnings(unit("RequestCPU=1", "RequestMemory=1G", "MaxPerMachine=1", "SpreadBy=r", "Other=x")));
    }

    @Test
    void amountsPrintAsPeopleWriteThem() {
        assertEquals("1.5 CPU", Resources.formatCpu(1500));
        assertEquals("250m CPU", Resources.formatCpu(250));
        assertEquals("1.5 GiB", Resources.formatMemory(1610612736L));
        assertEquals("512 MiB", Resources.formatMemory(536870912L));
    }
}
